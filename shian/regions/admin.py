"""Staff maintenance views. Writes go through the services so they are checked and audited.

The region tree comes from `load_regions` and grids are edited through the product UI/API, so
both are read-only here; the holiday table is editable because local adjustments are staff work.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Grid, HolidayDay, Region


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "level", "parent", "valid_to"]
    list_filter = ["level"]
    search_fields = ["=code", "name"]
    show_full_result_count = False  # COUNT(*) over 100k+ rows on every page is wasted work


@admin.register(Grid)
class GridAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "region", "parent", "worker"]
    list_filter = ["kind"]
    search_fields = ["=code", "name", "region__code"]
    list_select_related = ["region", "parent", "worker"]


class HolidayDayForm(forms.ModelForm):
    class Meta:
        model = HolidayDay
        fields = ["date", "is_working_day", "name"]


@admin.register(HolidayDay)
class HolidayDayAdmin(admin.ModelAdmin):
    """Every save becomes a local override (source=override) written by `set_holiday_override`."""

    form = HolidayDayForm
    list_display = ["date", "is_working_day", "name", "source"]
    list_filter = ["source", "is_working_day"]
    date_hierarchy = "date"
    search_fields = ["name"]
    actions = ["clear_overrides"]

    def get_readonly_fields(self, request, obj=None):
        return ["date", "source"] if obj else ["source"]

    def save_model(self, request, obj, form, change):
        services.set_holiday_override(
            actor=request.user, date=obj.date, is_working_day=obj.is_working_day, name=obj.name
        )

    def has_delete_permission(self, request, obj=None):
        return False  # removing a row silently would skip the audit; use the action below

    @admin.action(description=_("撤销所选日期的本地调整"))
    def clear_overrides(self, request, queryset):
        days = list(queryset.filter(source=HolidayDay.Source.OVERRIDE).values_list("date", flat=True))
        for day in days:
            services.clear_holiday_override(actor=request.user, date=day)
        self.message_user(request, _("已撤销 %(n)s 天的本地调整。") % {"n": len(days)})
