"""Staff maintenance of the rule store's rows (a page to edit rule versions is a separate issue).

A region's rule changes by adding a newer version (rows are never deleted: deadlines refer to them by copy,
and the history shows which rule applied when); every save is audited.
"""

from django.contrib import admin
from django.db import transaction

from . import audit
from .models import DeadlineRule


@admin.register(DeadlineRule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "region_prefix", "version", "amount", "unit", "valid_from", "source")
    list_filter = ("unit",)
    search_fields = ("code", "name", "region_prefix", "source")
    ordering = ("code", "region_prefix", "-version")

    def has_delete_permission(self, request, obj=None):
        return False

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        before = audit.snapshot(DeadlineRule.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            action="core.rule",
            obj=obj,
            region_code=obj.region_prefix,
            before=before,
            after=audit.snapshot(obj),
        )
