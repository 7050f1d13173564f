"""Assessments: the consultant's list of leads with levels and filters, and the page of one
assessment with its result, answers, follow-up and comments."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache, partial
from html import escape as html_escape
from typing import TYPE_CHECKING, Any, TypedDict
from urllib.parse import quote_plus, urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import ShowFacets
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from ... import result_format, roles, services
from ...benchmarks import selectors as benchmarks
from ...models import Area, Assessment
from ...report import build
from .. import workspace
from .comments import PREVIEW_PDF, AreaCommentFormSet, AreaCommentInline, comment_language_warnings
from .filters import (
    AreaLevelFilter,
    CampaignSourceFilter,
    ConsentFilter,
    NextContactFilter,
    OverallLevelFilter,
    OwnerFilter,
    PeriodFilter,
    TestStatusFilter,
)
from .paging import EstimatedCountPaginator
from .tools import AssessmentToolsMixin

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

RESPONDENT_FIELDS = (
    "organisation",
    "role",
    "industry",
    "size",
    "email",
    "consent_to_contact",
    "consent_given_at",
    "contact_requested_at",
)
CAMPAIGN_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "referrer_host")
TEST_FIELDS = ("started", "completed", "test_progress", "version", "language", "is_demo", "links")
FOLLOW_UP_FIELDS = ("follow_up_status", "consultant", "next_contact_on", "internal_notes")
TEST_FIELDSET = _("Test")

_LABELS = "_cx_content_labels"
_CELLS = "_cx_list_cells"
# What the list's cells read (list_display below, the rows' links by pk): the page's rows read
# only these. A column that reads another field would cost a query per row, which
# tests/consultant/test_query_counts.py (the same queries for more rows) would show.
LIST_FIELDS = (
    "organisation",
    "contact_requested_at",
    "completed_at",
    "created_at",
    "last_step",
    "version",
    "consent_to_contact",
    "next_contact_on",
    "follow_up_status",
    "consultant",
    "consultant__username",
    "consultant__first_name",
    "consultant__last_name",
)


class _AssessmentAnnotations(TypedDict):
    """What AssessmentAdmin.get_queryset adds to each assessment."""

    overall_level_value: int | None
    area_count: int  # a published version has areas


def content_labels(request: HttpRequest) -> workspace.ContentLabels:
    """The content names for this request, loaded once however many columns and filters ask."""
    labels = getattr(request, _LABELS, None)
    if labels is None:
        labels = workspace.ContentLabels.load()
        setattr(request, _LABELS, labels)
    return labels


def _short_datetime(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


# The list's cells repeat a few texts on every row: each is formatted once per language (and per
# day, level or name), not once per row. Translations and formats do not change while running.
@lru_cache(maxsize=4096)
def _day_text(day: date, language: str | None) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


@lru_cache(maxsize=8)
def _consent_cell(consent: bool, language: str | None) -> str:
    if not consent:
        return format_html('<span aria-hidden="true">–</span>{}', _visually_hidden(gettext("No")))
    return format_html(
        '<span class="cx-yes" aria-hidden="true">✓</span>{}', _visually_hidden(gettext("Yes"))
    )


@lru_cache(maxsize=8)
def _checkbox_label(language: str | None) -> str:
    return gettext("Select this object for an action - {}")


@lru_cache(maxsize=512)
def _level_cell(level: int | None, name: str, *, with_name: bool) -> str:
    if level is None:
        return "–"
    badge = format_html(
        '<span class="cx-level cx-level-{}" title="{}">{}</span>', level, name, level
    )
    return format_html("{} {}", badge, name) if with_name and name else badge


def _visually_hidden(text: str) -> SafeString:
    return format_html('<span class="cx-visually-hidden">{}</span>', text)


@lru_cache(maxsize=4096)
def _quote_plus(
    text: str, safe: str = "", encoding: str | None = None, errors: str | None = None
) -> str:
    return quote_plus(text, safe, encoding, errors)


class _PageCells:
    """The list's cells that depend on the language, the time zone or today, with those read once
    per page (each read is a look-up in the request's context, ~4-10 µs, three a row) rather than
    once per cell. The methods are list_display's columns: their names give the cells' classes."""

    def __init__(self) -> None:
        self.language = get_language()
        self.zone = timezone.get_current_timezone()
        self.today = timezone.localdate(timezone=self.zone)
        self.started = gettext("started")
        self.due_today = gettext("today")
        self.overdue = gettext("overdue")

    def _short_date(self, moment: datetime) -> str:
        return _day_text(moment.astimezone(self.zone).date(), self.language)

    # The list's date: when a completed test became a lead, when an unfinished one began. Sorted
    # by completion, as the list is by default (unfinished tests, with none, come last).
    @admin.display(description=_("date"), ordering=F("completed_at").desc(nulls_last=True))
    def test_date(self, assessment: Assessment) -> str:
        # The day only: the list must fit 1,280 px; the time is on the assessment's page.
        if assessment.completed_at:
            return self._short_date(assessment.completed_at)
        return format_html(
            '{} <span class="cx-muted">({})</span>',
            self._short_date(assessment.created_at),
            self.started,
        )

    @admin.display(description=_("consent"), ordering="consent_to_contact")
    def consent(self, assessment: Assessment) -> str:
        return _consent_cell(assessment.consent_to_contact, self.language)

    @admin.display(description=_("next contact"), ordering="next_contact_on")
    def next_contact(self, assessment: Assessment) -> str:
        day = assessment.next_contact_on
        if day is None:
            return "–"
        shown = _day_text(day, self.language)
        if day > self.today:
            return shown
        due = self.due_today if day == self.today else self.overdue
        return format_html(
            '<span class="cx-due">{}</span> <span class="cx-due-word">{}</span>', shown, due
        )


class AssessmentChangeList(ChangeList):
    """The list's page of rows with only the columns its cells show (LIST_FIELDS): not the stored
    result (a few kilobytes of JSON, decoded per row; the level cell reads
    `overall_level_value`), the consent wording, the notes, nor the other dates and the
    consultant's account (each date column is parsed per row on SQLite). Only the rows shown:
    the export of the list reads whole rows."""

    # The date drill-down's first and last date, when the count read them (paging.py).
    date_bounds: dict[str, Any] | None = None

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        self.result_list = self.result_list.only(*LIST_FIELDS)
        self.date_bounds = getattr(self.paginator, "date_bounds", None)

    def get_query_string(
        self, new_params: dict[str, Any] | None = None, remove: Iterable[str] | None = None
    ) -> str:
        """Django's own (ChangeList.get_query_string), with each key's and value's encoding
        remembered: a page asks for ~110 links (each filter choice, sort header, page number)
        that repeat the same few keys and values."""
        params = self.filter_params.copy()
        for prefix in remove or ():
            for key in list(params):
                if key.startswith(prefix):
                    del params[key]
        for key, value in (new_params or {}).items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = value
        return "?" + urlencode(sorted(params.items()), doseq=True, quote_via=_quote_plus)


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = FOLLOW_UP_FIELDS
        widgets = {"internal_notes": forms.Textarea(attrs={"rows": 4})}


@admin.register(Assessment)
class AssessmentAdmin(AssessmentToolsMixin):
    form = FollowUpForm
    inlines = (AreaCommentInline,)
    change_list_template = "admin/assessments/assessment/change_list.html"
    change_form_template = "admin/assessments/assessment/change_form.html"
    date_hierarchy = "created_at"
    # Completed tests first (the consultant's leads), the newest first; unfinished ones after.
    # On PostgreSQL the index assessment_desk_order (migration 0008) serves exactly this order.
    ordering = (  # type: ignore[assignment]  # the admin takes expressions; the stubs say str
        F("completed_at").desc(nulls_last=True),
        F("created_at").desc(),
        F("pk").desc(),
    )
    list_select_related = ("consultant",)
    list_display_links = ("organisation_cell",)
    # The follow-up fields lead the page; saving them should not need a scroll to the bottom.
    save_on_top = True
    search_fields = ("organisation", "email", "=token")
    search_help_text = _("Search by organisation, email or the exact private token.")
    list_per_page = 50
    paginator = EstimatedCountPaginator
    list_max_show_all = 500
    # Counting every row on every page grows with the table; the filtered count is enough.
    show_full_result_count = False
    show_facets = ShowFacets.NEVER
    readonly_fields = RESPONDENT_FIELDS + CAMPAIGN_FIELDS + TEST_FIELDS
    fieldsets = (
        (_("Follow-up"), {"fields": FOLLOW_UP_FIELDS}),
        (_("Respondent"), {"fields": RESPONDENT_FIELDS}),
        (_("Campaign"), {"fields": CAMPAIGN_FIELDS}),
        (TEST_FIELDSET, {"fields": TEST_FIELDS}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Assessment]:
        areas_of_version = (
            Area.objects.filter(version=OuterRef("version"))
            .order_by()
            .values("version")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                overall_level_value=Cast(KT(result_format.overall_level_path()), IntegerField()),
                area_count=Subquery(areas_of_version),
            )
        )

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        labels = content_labels(request)

        @admin.display(description=_("overall level"), ordering="overall_level_value")
        def overall_level(
            assessment: WithAnnotations[Assessment, _AssessmentAnnotations],
        ) -> str:
            if not assessment.is_completed:
                # Where the respondent stopped, in the same column: the list fits 1,280 px.
                return format_html(
                    '<span class="cx-muted">{}</span>',
                    workspace.progress(assessment, assessment.area_count),
                )
            level = assessment.overall_level_value  # the stored result's, read by the query
            return _level_cell(
                level, labels.level_name(assessment.version_id, level), with_name=True
            )

        # One for the request: the admin asks for list_display more than once (sortable_by
        # compares the columns), and the same columns must come back.
        cells = getattr(request, _CELLS, None)
        if cells is None:
            cells = _PageCells()
            setattr(request, _CELLS, cells)
        return [
            "organisation_cell",
            cells.test_date,
            overall_level,
            cells.consent,
            cells.next_contact,
            "owner",
            "follow_up_status",
        ]

    def get_paginator(
        self,
        request: HttpRequest,
        queryset: QuerySet[Any],
        per_page: int,
        orphans: int = 0,
        allow_empty_first_page: bool = True,
    ) -> EstimatedCountPaginator:
        # The list's rows bring the drill-down's dates; another list (the history's) has none.
        dated = queryset.model is self.model
        return EstimatedCountPaginator(
            queryset,
            per_page,
            orphans,
            allow_empty_first_page,
            date_field=self.date_hierarchy if dated else None,
        )

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return AssessmentChangeList

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        labels = content_labels(request)
        names = labels.current_level_names
        return [
            NextContactFilter,
            ConsentFilter,
            "follow_up_status",
            OwnerFilter,
            CampaignSourceFilter,
            PeriodFilter,
            TestStatusFilter,
            partial(OverallLevelFilter, level_names=names),
            *(partial(AreaLevelFilter, area=area, level_names=names) for area in labels.areas),
            "industry",
            "size",
            "role",
            "is_demo",
        ]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {"title": gettext("Assessments"), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # respondents create assessments by taking the test

    # Deleting is an erasure like the respondent's own: services.assessment_erase also strips
    # the admin's log entries (the one about this deletion included) of the organisation's name.
    def delete_model(self, request: HttpRequest, obj: Assessment) -> None:
        services.assessment_erase(assessment=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Assessment]) -> None:
        for assessment in queryset:
            services.assessment_erase(assessment=assessment)

    def save_model(self, request: HttpRequest, obj: Assessment, form: Any, change: bool) -> None:
        # Only the consultant's own fields, so that an answer the respondent saves meanwhile is
        # never overwritten with what the page showed. updated_at moves too: it keys the cached
        # PDF report, so a new comment (saved with the inline after this) gives a new report.
        obj.save(update_fields=[*FOLLOW_UP_FIELDS, "updated_at"] if change else None)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if isinstance(formset, AreaCommentFormSet) and isinstance(request.user, AbstractBaseUser):
            formset.signer = request.user
        super().save_formset(request, form, formset, change)
        if isinstance(formset, AreaCommentFormSet):
            for warning in comment_language_warnings(form.instance):
                self.message_user(request, warning, messages.WARNING)

    def response_change(self, request: HttpRequest, obj: Assessment) -> HttpResponse:
        if PREVIEW_PDF in request.POST and obj.is_completed:
            # The real PDF, as the respondent will get it, shown in the browser's own viewer.
            return HttpResponseRedirect(
                reverse("assessments:consultant_report", kwargs={"pk": obj.pk}) + "?preview=1"
            )
        return super().response_change(request, obj)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        assessment = self.get_object(request, object_id)
        extra_context = dict(extra_context or {})
        if assessment is not None and self.has_view_or_change_permission(request, assessment):
            extra_context.update(
                report=build.build_report(assessment) if assessment.is_completed else None,
                answer_sections=(
                    workspace.answer_sections(assessment)
                    if request.user.has_perm(roles.VIEW_ANSWER)
                    else None
                ),
                results_after_fieldset=TEST_FIELDSET,
                **benchmarks.admin_context(assessment),
                preview_pdf_name=PREVIEW_PDF,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def action_checkbox(self, obj: Assessment) -> SafeString:
        # Django's own markup and label, written directly: rendering a form widget through the
        # template engine for each of 50 rows was 38 % of the list's template time.
        # Written as format_html() would (the label's wording as it is, the row's text escaped),
        # without its two calls a row (~4 % of the list's time).
        label = _checkbox_label(get_language()).format(html_escape(str(obj)))
        value = html_escape(str(obj.pk))
        return mark_safe(  # noqa: S308  # nosec B308 B703  # the only values are escaped
            f'<input type="checkbox" name="{ACTION_CHECKBOX_NAME}" value="{value}" '
            f'class="action-select" aria-label="{label}">'
        )

    @admin.display(description=_("organisation"), ordering="organisation")
    def organisation_cell(self, assessment: Assessment) -> str:
        name = str(assessment)
        if assessment.contact_requested_at is None:
            return name
        asked = gettext("Asked to be contacted on %(date)s") % {
            "date": _short_datetime(assessment.contact_requested_at)
        }
        return format_html(
            '{} <span class="cx-hot" title="{}">{}</span>', name, asked, gettext("Hot lead")
        )

    @admin.display(description=_("consultant"), ordering="consultant__username")
    def owner(self, assessment: Assessment) -> str:
        user = assessment.consultant
        if user is None:
            return "–"
        return user.get_full_name() or user.get_username()

    @admin.display(description=_("date"), ordering="created_at")
    def started(self, assessment: Assessment) -> str:
        return _short_datetime(assessment.created_at)

    @admin.display(description=_("completed"), ordering="completed_at")
    def completed(self, assessment: Assessment) -> str:
        return _short_datetime(assessment.completed_at) if assessment.completed_at else "–"

    @admin.display(description=_("test"))
    def test_progress(self, assessment: WithAnnotations[Assessment, _AssessmentAnnotations]) -> str:
        return workspace.progress(assessment, assessment.area_count)

    @admin.display(description=_("links"))
    def links(self, assessment: Assessment) -> str:
        if not assessment.is_completed:
            return "–"
        # The consultant's own read-only pages, by id: the respondent's token (which opens,
        # changes and deletes the assessment) never appears in the admin.
        by_id = {"pk": assessment.pk}
        links = [
            (
                reverse("assessments:consultant_results", kwargs=by_id),
                gettext("Results page (as the respondent sees it)"),
            ),
            (
                reverse("assessments:consultant_report", kwargs=by_id),
                gettext("PDF report with the comments"),
            ),
        ]
        return format_html_join(" · ", '<a href="{}" target="_blank" rel="noopener">{}</a>', links)
