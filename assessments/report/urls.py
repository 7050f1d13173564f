"""The report's addresses, in the "assessments" namespace (assessments/urls.py). The team's PDF
sits under team/owner/<token>/, where the logs' redaction finds the token (redaction.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("team/owner/<str:token>/report.pdf", views.team_report, name="team_report"),
]
