"""The app's addresses, one namespace for both rooms that serve pages outside the admin."""

from .consultant.urls import urlpatterns as consultant_urlpatterns
from .followup.urls import urlpatterns as followup_urlpatterns
from .report.urls import urlpatterns as report_urlpatterns
from .respondent.urls import urlpatterns as respondent_urlpatterns
from .teams.urls import urlpatterns as team_urlpatterns

app_name = "assessments"

urlpatterns = (
    respondent_urlpatterns
    + consultant_urlpatterns
    + followup_urlpatterns
    + team_urlpatterns
    + report_urlpatterns
)
