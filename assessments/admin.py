"""The consultant workspace: assessments to review, follow up and export; the dashboard; the
questionnaire's content, read-only once responses depend on it.

The admin only shows and edits: the reads live in workspace.py and dashboard.py, the content
copying in versioning.py, the spreadsheets in exports.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import SimpleListFilter
from django.contrib.admin.options import IncorrectLookupParameters, ShowFacets
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from . import dashboard, exports, reporting, versioning, workspace
from .models import (
    Area,
    AreaComment,
    AreaLevel,
    Assessment,
    MaturityLevel,
    Option,
    Question,
    QuestionnaireVersion,
)

admin.site.site_header = _("CX maturity – consultant workspace")
admin.site.site_title = _("CX maturity")
admin.site.index_title = _("Consultant workspace")
# The assessment list is wide; the page needs the room more than a second menu.
admin.site.enable_nav_sidebar = False


# --- Questionnaire content ------------------------------------------------------------------


def _is_frozen(obj: Any) -> bool:
    if obj is None:
        return False
    version = obj if isinstance(obj, QuestionnaireVersion) else obj.get_version()
    return version.is_frozen


class FrozenContentAdmin:
    """Content that responses were scored on is read-only here, as the models demand."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not _is_frozen(obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not _is_frozen(obj)


class FrozenContentInline(FrozenContentAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) and not _is_frozen(obj)


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
    def assessment_count(self, version: QuestionnaireVersion) -> int:
        return version.assessment_count

    @admin.display(description=_("used for new tests"), boolean=True)
    def is_current(self, version: QuestionnaireVersion) -> bool:
        current = QuestionnaireVersion.objects.current()
        return current is not None and current.pk == version.pk

    def has_copy_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("assessments.add_questionnaireversion")

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("assessments.change_questionnaireversion")

    @admin.action(description=_("New draft from this version"), permissions=["copy"])
    def copy_as_draft(self, request: HttpRequest, queryset: QuerySet[QuestionnaireVersion]):
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
    def publish(self, request: HttpRequest, queryset: QuerySet[QuestionnaireVersion]):
        for version in queryset:
            if version.is_published:
                self.message_user(
                    request,
                    gettext("%(version)s is already published.") % {"version": version.label},
                    messages.WARNING,
                )
                continue
            problems = versioning.publishing_problems(version)
            if problems:
                self.message_user(
                    request,
                    gettext("%(version)s was not published: %(problems)s")
                    % {"version": version.label, "problems": " ".join(problems)},
                    messages.ERROR,
                )
                continue
            versioning.publish(version)
            self.message_user(
                request,
                gettext("%(version)s is published: new tests are taken on it.")
                % {"version": version.label},
                messages.SUCCESS,
            )


class AreaLevelInline(FrozenContentInline, TranslationStackedInline):
    model = AreaLevel
    fields = ("level", "description", "recommendations")
    extra = 0


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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # added on its area's page

    @admin.display(description=_("questionnaire version"), ordering="area__version")
    def version(self, question: Question) -> QuestionnaireVersion:
        return question.area.version


# --- Assessments ------------------------------------------------------------------------------


class PeriodFilter(SimpleListFilter):
    title = _("period")
    parameter_name = "period"

    def lookups(self, request, model_admin):
        return (
            ("today", _("Today")),
            ("week", _("This week")),
            ("last_week", _("Last week")),
            ("month", _("This month")),
            ("30_days", _("Last 30 days")),
        )

    def queryset(self, request, queryset):
        bounds = self.bounds(self.value(), timezone.localdate())
        if bounds is None:
            return queryset
        start, end = bounds
        return queryset.filter(created_at__gte=start, created_at__lt=end)

    @staticmethod
    def bounds(period: str | None, today) -> tuple[datetime, datetime] | None:
        def midnight(day) -> datetime:
            return timezone.make_aware(datetime.combine(day, datetime.min.time()))

        tomorrow = today + timedelta(days=1)
        monday = today - timedelta(days=today.weekday())
        starts = {
            "today": (today, tomorrow),
            "week": (monday, tomorrow),
            "last_week": (monday - timedelta(weeks=1), monday),
            "month": (today.replace(day=1), tomorrow),
            "30_days": (today - timedelta(days=29), tomorrow),
        }
        if period not in starts:
            return None
        start, end = starts[period]
        return midnight(start), midnight(end)


class TestStatusFilter(SimpleListFilter):
    title = _("test")
    parameter_name = "test"

    def lookups(self, request, model_admin):
        return (
            ("completed", _("Completed")),
            ("in_progress", _("In progress")),
            ("abandoned", _("Abandoned")),
        )

    def queryset(self, request, queryset):
        if self.value() == "completed":
            return queryset.completed()
        if self.value() == "in_progress":
            return queryset.still_answering()
        if self.value() == "abandoned":
            return queryset.abandoned()
        return queryset


class AssignedFilter(SimpleListFilter):
    title = _("assigned consultant")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return (("me", _("Me")), ("nobody", _("Nobody")))

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(consultant=request.user)
        if self.value() == "nobody":
            return queryset.filter(consultant__isnull=True)
        return queryset


class LevelFilter(SimpleListFilter):
    """Assessments whose stored result has a given level at `result_key` (a JSON path)."""

    result_key = ""
    level_names: dict[int, str] = {}

    def lookups(self, request, model_admin):
        return [(str(level), f"{level} {name}") for level, name in sorted(self.level_names.items())]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if not value.isdigit():
            raise IncorrectLookupParameters(value)
        return queryset.filter(**{self.result_key: int(value)})


def level_filter(
    title: str, parameter: str, result_key: str, level_names: dict[int, str], **extra
) -> type[LevelFilter]:
    return type(
        f"LevelFilter_{parameter}",
        (LevelFilter,),
        {
            "title": title,
            "parameter_name": parameter,
            "result_key": result_key,
            "level_names": level_names,
            **extra,
        },
    )


def comment_field(area: Area) -> str:
    return f"comment_{area.code}"


FOLLOW_UP_FIELDS = ("follow_up_status", "consultant", "next_contact_on", "internal_notes")


class AssessmentForm(forms.ModelForm):
    """The follow-up fields, and one comment per area when the admin adds them."""

    comment_areas: tuple[Area, ...] = ()

    class Meta:
        model = Assessment
        fields = FOLLOW_UP_FIELDS
        widgets = {"internal_notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.comment_areas and self.instance.pk:
            texts = AreaComment.objects.texts_by_area(self.instance)
            for area in self.comment_areas:
                self.initial.setdefault(comment_field(area), texts.get(area.pk, ""))

    def save_comments(self) -> None:
        AreaComment.objects.store_texts(
            self.instance,
            {
                area: self.cleaned_data[comment_field(area)]
                for area in self.comment_areas
                if comment_field(area) in self.changed_data
            },
        )


def _comment_form_field(area: Area, number: int) -> forms.CharField:
    return forms.CharField(
        label=f"{number}. {area.name}",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


LABELS_ATTRIBUTE = "_cx_content_labels"


def content_labels(request: HttpRequest) -> workspace.ContentLabels:
    """The content names for this request, loaded once however many columns and filters ask."""
    labels = getattr(request, LABELS_ATTRIBUTE, None)
    if labels is None:
        labels = workspace.ContentLabels.load()
        setattr(request, LABELS_ATTRIBUTE, labels)
    return labels


def _short_datetime(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _level_cell(level: int | None, name: str, *, with_name: bool) -> str:
    if level is None:
        return "–"
    badge = format_html(
        '<span class="cx-level cx-level-{}" title="{}">{}</span>', level, name, level
    )
    return format_html("{} {}", badge, name) if with_name and name else badge


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    form = AssessmentForm
    change_list_template = "admin/assessments/assessment/change_list.html"
    change_form_template = "admin/assessments/assessment/change_form.html"
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-pk")
    search_fields = ("organisation", "email", "=token")
    search_help_text = _("Search by organisation, email or the exact private token.")
    list_per_page = 50
    list_max_show_all = 500
    # Counting every row on every page grows with the table; the filtered count is enough.
    show_full_result_count = False
    show_facets = ShowFacets.NEVER
    actions = ("export_csv", "export_xlsx")
    readonly_fields = (
        "organisation",
        "role",
        "industry",
        "size",
        "email",
        "consent_to_contact",
        "started",
        "completed",
        "test_progress",
        "version",
        "language",
        "is_demo",
        "links",
    )

    # List page ------------------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet[Assessment]:
        return (
            super()
            .get_queryset(request)
            .annotate(overall_level_value=Cast(KT("result__overall_level"), IntegerField()))
        )

    def get_list_display(self, request: HttpRequest) -> list[str | Callable]:
        labels = content_labels(request)

        @admin.display(description=_("overall level"), ordering="overall_level_value")
        def overall_level(assessment: Assessment) -> str:
            level = workspace.overall_level(assessment)
            name = labels.level_name(assessment.version_id, level)
            return _level_cell(level, name, with_name=True)

        @admin.display(description=_("test"))
        def test_progress(assessment: Assessment) -> str:
            return workspace.progress(assessment, labels.area_counts.get(assessment.version_id, 0))

        return [
            "started",
            "organisation",
            "role",
            "industry",
            "size",
            overall_level,
            *(self._area_column(area, labels) for area in labels.areas),
            test_progress,
            "consent_to_contact",
            "follow_up_status",
        ]

    @staticmethod
    def _area_column(area: workspace.AreaLabel, labels: workspace.ContentLabels) -> Callable:
        def column(assessment: Assessment) -> str:
            level = workspace.area_levels(assessment).get(area.code)
            name = labels.level_name(assessment.version_id, level)
            return _level_cell(level, name, with_name=False)

        column.__name__ = f"area_{area.number}"
        column.short_description = format_html(
            '<abbr title="{}">{}</abbr>',
            area.name,
            gettext("Area %(number)d") % {"number": area.number},
        )
        return column

    def get_list_filter(self, request: HttpRequest) -> list:
        labels = content_labels(request)
        level_names = labels.current_level_names
        area_filters = [
            level_filter(
                gettext("level in %(area)s") % {"area": area.name},
                f"level_{area.code}",
                f"result__areas__{area.number - 1}__level",
                level_names,
            )
            for area in labels.areas
        ]
        return [
            PeriodFilter,
            TestStatusFilter,
            "consent_to_contact",
            "follow_up_status",
            AssignedFilter,
            level_filter(
                gettext("overall level"), "overall_level", "result__overall_level", level_names
            ),
            *area_filters,
            "industry",
            "size",
            "role",
            "is_demo",
        ]

    @admin.display(description=_("date"), ordering="created_at")
    def started(self, assessment: Assessment) -> str:
        return _short_datetime(assessment.created_at)

    @admin.display(description=_("completed"), ordering="completed_at")
    def completed(self, assessment: Assessment) -> str:
        return _short_datetime(assessment.completed_at) if assessment.completed_at else "–"

    def changelist_view(self, request: HttpRequest, extra_context=None):
        extra_context = {"title": gettext("Assessments"), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    # Exports ----------------------------------------------------------------------------------

    def _export_response(self, assessments: QuerySet[Assessment], file_format: str) -> HttpResponse:
        response = HttpResponse(
            exports.export(assessments, file_format), content_type=exports.FORMATS[file_format]
        )
        response["Content-Disposition"] = f'attachment; filename="{exports.filename(file_format)}"'
        return response

    @admin.action(description=_("Export the selected assessments to CSV"), permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Assessment]) -> HttpResponse:
        return self._export_response(queryset, exports.CSV)

    @admin.action(
        description=_("Export the selected assessments to Excel (XLSX)"), permissions=["view"]
    )
    def export_xlsx(self, request: HttpRequest, queryset: QuerySet[Assessment]) -> HttpResponse:
        return self._export_response(queryset, exports.XLSX)

    def export_view(self, request: HttpRequest, file_format: str) -> HttpResponse:
        """The list as filtered, searched and sorted on the list page, as a file."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if file_format not in exports.FORMATS:
            raise Http404
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(reverse("admin:assessments_assessment_changelist"))
        return self._export_response(changelist.queryset, file_format)

    # Dashboard --------------------------------------------------------------------------------

    def dashboard_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        real_only = request.GET.get("demo") == "exclude"
        assessments = Assessment.objects.all()
        if real_only:
            assessments = assessments.real()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Dashboard"),
            "dashboard": dashboard.cached_dashboard(
                assessments, variant="real" if real_only else "all"
            ),
            "real_only": real_only,
            "min_assessments": dashboard.MIN_ASSESSMENTS_FOR_STATISTICS,
        }
        return TemplateResponse(request, "admin/assessments/dashboard.html", context)

    def get_urls(self):
        own = [
            path(
                "dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="assessments_assessment_dashboard",
            ),
            path(
                "export/<str:file_format>/",
                self.admin_site.admin_view(self.export_view),
                name="assessments_assessment_export",
            ),
        ]
        return own + super().get_urls()

    # Assessment page --------------------------------------------------------------------------

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # respondents create assessments by taking the test

    def _can_comment(self, request: HttpRequest, assessment: Assessment | None) -> bool:
        return (
            assessment is not None
            and self.has_change_permission(request, assessment)
            and request.user.has_perm("assessments.change_areacomment")
        )

    def _comment_areas(self, request: HttpRequest, assessment: Assessment | None) -> list[Area]:
        if not self._can_comment(request, assessment):
            return []
        return list(assessment.version.areas.order_by("order"))

    def get_fieldsets(self, request: HttpRequest, obj: Assessment | None = None):
        fieldsets = [
            (
                _("Respondent"),
                {
                    "fields": (
                        "organisation",
                        "role",
                        "industry",
                        "size",
                        "email",
                        "consent_to_contact",
                    )
                },
            ),
            (
                _("Test"),
                {
                    "fields": (
                        "started",
                        "completed",
                        "test_progress",
                        "version",
                        "language",
                        "is_demo",
                        "links",
                    )
                },
            ),
            (_("Follow-up"), {"fields": FOLLOW_UP_FIELDS}),
        ]
        areas = self._comment_areas(request, obj)
        if areas:
            fieldsets.append(
                (
                    _("Consultant's comments per area"),
                    {
                        "fields": [comment_field(area) for area in areas],
                        "description": _(
                            "Each comment is printed in its area's section of the PDF report, "
                            "after the automatic recommendations."
                        ),
                    },
                )
            )
        return fieldsets

    def get_form(self, request: HttpRequest, obj: Assessment | None = None, change=False, **kwargs):
        areas = self._comment_areas(request, obj)
        form = type(
            "AssessmentCommentsForm",
            (AssessmentForm,),
            {
                "comment_areas": tuple(areas),
                **{
                    comment_field(area): _comment_form_field(area, number)
                    for number, area in enumerate(areas, start=1)
                },
            },
        )
        return super().get_form(request, obj, change, form=form, **kwargs)

    def save_model(self, request: HttpRequest, obj: Assessment, form, change: bool) -> None:
        # Only the consultant's own fields, so that an answer the respondent saves meanwhile is
        # never overwritten with what the page showed. updated_at moves too: it keys the cached
        # PDF report, so a new comment gives a new report.
        obj.save(update_fields=[*FOLLOW_UP_FIELDS, "updated_at"] if change else None)
        if isinstance(form, AssessmentForm):
            form.save_comments()

    def change_view(self, request: HttpRequest, object_id: str, form_url="", extra_context=None):
        assessment = self.get_object(request, object_id)
        extra_context = dict(extra_context or {})
        if assessment is not None and self.has_view_or_change_permission(request, assessment):
            extra_context.update(
                report=reporting.build_report(assessment) if assessment.is_completed else None,
                answer_sections=(
                    workspace.answer_sections(assessment)
                    if request.user.has_perm("assessments.view_answer")
                    else None
                ),
                show_comments=not self._can_comment(request, assessment),
                # The results and answers go after this many fieldsets (respondent, test).
                results_after_fieldset=2,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("test"))
    def test_progress(self, assessment: Assessment) -> str:
        return workspace.progress(assessment, assessment.version.areas.count())

    @admin.display(description=_("links"))
    def links(self, assessment: Assessment) -> str:
        if not assessment.is_completed:
            return "–"
        links = [
            (
                reverse("assessments:results", kwargs={"token": assessment.token}),
                gettext("Results page (as the respondent sees it)"),
            )
        ]
        report_url = consultant_report_url(assessment)
        if report_url:
            links.append((report_url, gettext("PDF report with the comments")))
        return format_html_join(" · ", '<a href="{}" target="_blank" rel="noopener">{}</a>', links)


def consultant_report_url(assessment: Assessment) -> str | None:
    """The staff-only PDF report's address, or None where the PDF report is not installed."""
    try:
        return reverse("assessments:consultant_report", kwargs={"token": assessment.token})
    except NoReverseMatch:
        return None
