"""The team pages' addresses, in the "assessments" namespace (assessments/urls.py): the token
of the invite, owner and customer links sits in the segment after team/join/, team/owner/ and
team/customer/, where the logs' redaction finds it (assessments/redaction.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("team/", views.team_start, name="team_start"),
    path("team/join/<str:token>/", views.team_join, name="team_join"),
    path("team/owner/<str:token>/", views.team_owner, name="team_owner"),
    path("team/owner/<str:token>/close/", views.team_close, name="team_close"),
    path("team/owner/<str:token>/delete/", views.team_delete, name="team_delete"),
    # Invitations by email (the owner page's "Email the invite link").
    path("team/owner/<str:token>/invite/", views.team_invite, name="team_invite"),
    path(
        "team/owner/<str:token>/email-link/",
        views.team_owner_link_email,
        name="team_owner_link_email",
    ),
    # Customer mirror (issue 17, item 2)
    path("team/customer/<str:token>/", views.team_mirror, name="team_mirror"),
    path("team/customer/<str:token>/thanks/", views.team_mirror_thanks, name="team_mirror_thanks"),
]
