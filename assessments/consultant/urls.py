"""The consultant's pages outside the admin (in the "assessments" namespace), addressed by the
assessment's id: the respondent's token never appears in a consultant's link."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "consultant/assessments/<int:pk>/results/",
        views.consultant_results,
        name="consultant_results",
    ),
    path(
        "consultant/assessments/<int:pk>/report.pdf",
        views.consultant_report,
        name="consultant_report",
    ),
]
