"""System checks of our own: `manage.py check --deploy` warns while the secret key is still the placeholder of
deploy/shian.env.example (it is public, so anyone could forge sessions)."""

from django.conf import settings
from django.core import checks

PLACEHOLDER_PREFIX = "CHANGE-ME"


@checks.register(checks.Tags.security, deploy=True)
def secret_key_is_not_the_template(app_configs, **kwargs):
    if str(getattr(settings, "SECRET_KEY", "")).startswith(PLACEHOLDER_PREFIX):
        return [
            checks.Warning(
                "SHIAN_SECRET_KEY is still the placeholder from deploy/shian.env.example.",
                hint="Generate one: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'",
                id="shian.W001",
            )
        ]
    return []
