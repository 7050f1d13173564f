"""A question of an area and its five behaviourally anchored options."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from ...models import Option, Question, QuestionnaireVersion
from .frozen import FrozenContentAdmin, FrozenContentInline


class OptionInline(FrozenContentInline, TranslationTabularInline):
    model = Option
    fields = ("value", "text")
    extra = 0


@admin.register(Question)
class QuestionAdmin(FrozenContentAdmin, TranslationAdmin):
    list_display = ("code", "text", "area", "weight", "version")
    list_filter = ("area__version", "area__code")
    list_select_related = ("area__version",)
    search_fields = ("code", "text_fi", "text_en")
    fields = ("area", "code", "order", "weight", "text", "tip", "theme", "source")
    readonly_fields = ("area",)
    inlines = (OptionInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Question]:
        return super().get_queryset(request).select_related("area__version")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # added on its area's page

    @admin.display(description=_("questionnaire version"), ordering="area__version")
    def version(self, question: Question) -> QuestionnaireVersion:
        return question.area.version
