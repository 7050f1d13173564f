"""The consultant's admin site: staff land on the dashboard after signing in, and the session
remembers when they signed in before, so that the dashboard can show what arrived since."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.functional import SimpleLazyObject

if TYPE_CHECKING:
    from django.contrib.auth.models import User

DASHBOARD_URL_NAME = "assessments_assessment_dashboard"
# The session key of the consultant's previous sign-in ("" for a first sign-in).
PREVIOUS_LOGIN_SESSION_KEY = "cx_previous_login"
_PREVIOUS_LOGIN = "_cx_previous_login"
# Set on the request while each_context() builds the context every admin page shares.
_IN_EACH_CONTEXT = "_cx_in_each_context"


class ConsultantAuthenticationForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        # Read before login() moves last_login to now.
        if self.request is not None:
            setattr(self.request, _PREVIOUS_LOGIN, user.last_login)


class ConsultantAdminSite(AdminSite):
    login_form = ConsultantAuthenticationForm

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
            # The admin sends a sign-in without a destination to its index of models; the
            # consultant's day starts at the dashboard (which sends anyone it is not for there).
            dashboard = reverse(f"{self.name}:{DASHBOARD_URL_NAME}", current_app=self.name)
            extra_context = {REDIRECT_FIELD_NAME: dashboard, **(extra_context or {})}
        response: HttpResponse = super().login(request, extra_context)
        if hasattr(request, _PREVIOUS_LOGIN) and request.user.is_authenticated:
            previous: datetime | None = getattr(request, _PREVIOUS_LOGIN)
            request.session[PREVIOUS_LOGIN_SESSION_KEY] = previous.isoformat() if previous else ""
        return response

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        setattr(request, _IN_EACH_CONTEXT, True)
        try:
            return super().each_context(request)
        finally:
            delattr(request, _IN_EACH_CONTEXT)

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> Any:
        build = super().get_app_list
        if getattr(request, _IN_EACH_CONTEXT, False):
            # Every page's `available_apps` (a permission check and two reverse() per model,
            # ~5 % of the assessment list's time) is read only by the nav sidebar, which this
            # site turns off (admin/__init__.py): built if a template reads it, else never.
            return SimpleLazyObject(lambda: build(request, app_label))
        return build(request, app_label)


def previous_login(request: HttpRequest) -> datetime | None:
    """When the signed-in user signed in before this session; None if never (or unknown)."""
    value = request.session.get(PREVIOUS_LOGIN_SESSION_KEY) or ""
    return parse_datetime(value) if isinstance(value, str) and value else None
