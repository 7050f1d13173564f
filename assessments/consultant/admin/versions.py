"""Questionnaire versions: copy one as a draft, edit it, publish it; read-only once answered."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from ... import roles, versioning
from ...models import Area, MaturityLevel, QuestionnaireVersion
from .frozen import FrozenContentAdmin, FrozenContentInline

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _VersionAnnotations(TypedDict):
    """What get_queryset adds to each version."""

    assessment_count: int


class MaturityLevelInline(FrozenContentInline, TranslationTabularInline):
    model = MaturityLevel
    fields = ("level", "name", "description")
    extra = 0


class AreaInline(FrozenContentInline, TranslationTabularInline):
    model = Area
    fields = ("order", "code", "name")
    extra = 0
    show_change_link = True


@admin.register(QuestionnaireVersion)
class QuestionnaireVersionAdmin(FrozenContentAdmin, TranslationAdmin):
    list_display = ("label", "title", "status", "published_at", "is_current", "assessment_count")
    list_filter = ("status",)
    fields = ("label", "title", "status", "published_at", "content_hash", "created_at")
    readonly_fields = ("status", "published_at", "content_hash", "created_at")
    inlines = (MaturityLevelInline, AreaInline)
    actions = ("copy_as_draft", "publish")

    def get_queryset(self, request: HttpRequest) -> QuerySet[QuestionnaireVersion]:
        return super().get_queryset(request).annotate(assessment_count=Count("assessments"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A new version starts as a copy of an existing one (or from the fixture file).
        return False

    @admin.display(description=_("assessments"), ordering="assessment_count")
    def assessment_count(
        self, version: WithAnnotations[QuestionnaireVersion, _VersionAnnotations]
    ) -> int:
        return version.assessment_count

    @admin.display(description=_("used for new tests"), boolean=True)
    def is_current(self, version: QuestionnaireVersion) -> bool:
        current = QuestionnaireVersion.objects.current()
        return current is not None and current.pk == version.pk

    def has_copy_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(roles.ADD_VERSION)

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(roles.CHANGE_VERSION)

    @admin.action(description=_("New draft from this version"), permissions=["copy"])
    def copy_as_draft(self, request: HttpRequest, queryset: QuerySet[QuestionnaireVersion]) -> None:
        for version in queryset:
            draft = versioning.copy_as_draft(version)
            url = reverse("admin:assessments_questionnaireversion_change", args=[draft.pk])
            self.message_user(
                request,
                format_html(
                    gettext("Created the draft {draft} from {version}. Edit it, then publish it."),
                    draft=format_html('<a href="{}">{}</a>', url, draft.label),
                    version=version.label,
                ),
                messages.SUCCESS,
            )

    @admin.action(description=_("Publish: new tests use this version"), permissions=["publish"])
    def publish(self, request: HttpRequest, queryset: QuerySet[QuestionnaireVersion]) -> None:
        for version in queryset:
            self.message_user(request, *_publish(version))


def _publish(version: QuestionnaireVersion) -> tuple[str, int]:
    """Publish `version` if it can be; the message and its level for the consultant."""
    names = {"version": version.label}
    if version.is_published:
        return gettext("%(version)s is already published.") % names, messages.WARNING
    problems = versioning.publishing_problems(version)
    if problems:
        return (
            gettext("%(version)s was not published: %(problems)s")
            % {**names, "problems": " ".join(problems)},
            messages.ERROR,
        )
    versioning.publish(version)
    return gettext("%(version)s is published: new tests are taken on it.") % names, messages.SUCCESS
