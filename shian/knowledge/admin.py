from django.contrib import admin

from .models import Attempt, KnowledgeTest, Question


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "text", "answer", "roles", "business_types", "points", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["text"]


@admin.register(KnowledgeTest)
class KnowledgeTestAdmin(admin.ModelAdmin):
    list_display = ["pk", "title", "region", "opens_at", "closes_at", "selection", "cancelled_at"]
    list_select_related = ["region"]
    readonly_fields = ["created_by", "created_at"]


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    """Papers are evidence: read only."""

    list_display = ["pk", "test", "user", "entity", "started_at", "submitted_at", "score", "passed"]
    list_select_related = ["test", "user", "entity"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
