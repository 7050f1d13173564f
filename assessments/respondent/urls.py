"""The public test's addresses (in the "assessments" namespace, see assessments/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("start/", views.start, name="start"),
    path("a/<str:token>/", views.resume, name="resume"),
    path("a/<str:token>/area/<int:step>/", views.area_step, name="area"),
    path("a/<str:token>/background/", views.background, name="background"),
    path("results/<str:token>/", views.results, name="results"),
    path("results/<str:token>/report.pdf", views.report_pdf, name="report_pdf"),
    path("results/<str:token>/delete/", views.delete_data, name="delete_data"),
    path("results/<str:token>/contact/", views.contact_request, name="contact_request"),
    path("results/<str:token>/retake/", views.retake, name="retake"),
    path("privacy/", views.privacy, name="privacy"),
]
