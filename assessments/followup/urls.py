"""The follow-up's addresses, in the "assessments" namespace (assessments/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("results/<str:token>/email/", views.results_email, name="results_email"),
    path(
        "reminders/unsubscribe/<str:token>/",
        views.reminders_unsubscribe,
        name="reminders_unsubscribe",
    ),
]
