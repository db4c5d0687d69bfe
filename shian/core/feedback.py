"""Service refusals shown to a person in the browser, for actions that are a button rather than a form."""

from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import ValidationError


@contextmanager
def service_errors_as_messages(request):
    """Run a service call; a ValidationError becomes an error message and the block is abandoned, so the
    view goes on to its fallback redirect. Permission and scope errors still raise (403 / 404)."""
    try:
        yield
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
