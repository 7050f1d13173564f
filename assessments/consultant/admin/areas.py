"""An area of a questionnaire version: its level texts and questions."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from ...models import Area, AreaLevel, Question
from .frozen import FrozenContentAdmin, FrozenContentInline


class AreaLevelInline(FrozenContentInline, TranslationStackedInline):
    model = AreaLevel
    fields = ("level", "description", "recommendations")
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[AreaLevel]:
        # Each row's heading names its area.
        return super().get_queryset(request).select_related("area")


class QuestionInline(FrozenContentInline, TranslationTabularInline):
    model = Question
    fields = ("order", "code", "weight", "text")
    extra = 0
    show_change_link = True


@admin.register(Area)
class AreaAdmin(FrozenContentAdmin, TranslationAdmin):
    list_display = ("name", "code", "order", "version")
    list_filter = ("version",)
    list_select_related = ("version",)
    fields = ("version", "code", "order", "name", "intro")
    readonly_fields = ("version",)
    inlines = (AreaLevelInline, QuestionInline)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # added on its version's page
