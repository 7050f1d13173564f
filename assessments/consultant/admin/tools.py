"""The assessment list's tools beside the list itself: spreadsheet exports and the dashboard."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ...benchmarks import selectors as benchmarks
from ...models import Assessment
from .. import dashboard, desk, exports, funnel
from ..site import previous_login


def _export_response(assessments: QuerySet[Assessment], file_format: str) -> HttpResponse:
    response = HttpResponse(
        exports.export(assessments, file_format), content_type=exports.FORMATS[file_format]
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(file_format)}"'
    return response


class AssessmentToolsMixin(admin.ModelAdmin):
    actions = ("export_csv", "export_xlsx")

    @admin.action(description=_("Export the selected assessments to CSV"), permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Assessment]) -> HttpResponse:
        return _export_response(queryset, exports.CSV)

    @admin.action(
        description=_("Export the selected assessments to Excel (XLSX)"), permissions=["view"]
    )
    def export_xlsx(self, request: HttpRequest, queryset: QuerySet[Assessment]) -> HttpResponse:
        return _export_response(queryset, exports.XLSX)

    def export_view(self, request: HttpRequest, file_format: str) -> HttpResponse:
        """The list as filtered, searched and sorted on the list page, as a file."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if file_format not in exports.FORMATS:
            raise Http404
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            # As the list itself answers a filter value it does not know: the list, with "?e=1".
            return HttpResponseRedirect(
                f"{reverse('admin:assessments_assessment_changelist')}?{ERROR_FLAG}=1"
            )
        return _export_response(changelist.queryset, file_format)

    def dashboard_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            # Every sign-in lands here; staff without the workspace get the admin's index.
            return HttpResponseRedirect(reverse("admin:index"))
        real_only = request.GET.get("demo") == "exclude"
        assessments = Assessment.objects.all()
        if real_only:
            assessments = assessments.real()
        variant = "real" if real_only else "all"
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Dashboard"),
            "dashboard": dashboard.cached_dashboard(
                assessments, variant="real" if real_only else "all"
            ),
            "real_only": real_only,
            "lead_inbox": desk.lead_inbox(assessments, last_visit=previous_login(request)),
            **self.funnel_context(request, assessments, variant),
            "min_assessments": dashboard.MIN_ASSESSMENTS_FOR_STATISTICS,
            "benchmark_groups": benchmarks.overview(),
            "benchmark_thresholds": benchmarks.thresholds(),
        }
        return TemplateResponse(request, "admin/assessments/dashboard.html", context)

    def funnel_context(
        self, request: HttpRequest, assessments: Any, variant: str
    ) -> dict[str, Any]:
        asked = any(name in request.GET for name in funnel.FunnelPeriodForm.base_fields)
        form = funnel.FunnelPeriodForm(request.GET if asked else None)
        start, end = funnel.chosen_period(form)
        if not asked:
            form = funnel.FunnelPeriodForm(initial={"funnel_start": start, "funnel_end": end})
        return {
            "funnel": funnel.cached_funnel_report(
                assessments, start=start, end=end, variant=variant
            ),
            "funnel_form": form,
            "funnel_weeks": funnel.WEEKS,
            "funnel_default_days": funnel.DEFAULT_PERIOD_DAYS,
        }

    def get_urls(self) -> list[URLPattern]:
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
