"""The consultant's pages outside the admin (in the "assessments" namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("consultant/reports/<str:token>.pdf", views.consultant_report, name="consultant_report"),
]
