"""The follow-up's two pages: sending the results link (from the results page) and the
reminders' one-click unsubscribe. Thin: parse, call the service, answer."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from .. import selectors
from . import services
from .forms import ResultsEmailForm
from .models import ReminderSubscription


def _limited(request: HttpRequest, group: str, key: str) -> bool:
    return is_ratelimited(
        request,
        group=group,
        key=lambda _group, _request: key,
        rate=settings.RATE_LIMIT_RESULTS_EMAIL,
        method="POST",
        increment=True,
    )


@require_POST
def results_email(request: HttpRequest, token: str) -> HttpResponse:
    assessment = selectors.assessment_for_token(token)
    if assessment is None or not assessment.is_completed:
        raise Http404
    # To the top of the results page, where the message shows.
    back = reverse("assessments:results", args=[token])
    form = ResultsEmailForm(request.POST, given_email=assessment.email)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    email = form.cleaned_data["email"]
    # Per link and per address: neither a leaked link nor a typed address becomes a spam cannon.
    if _limited(request, "followup:email-token", token) or _limited(
        request, "followup:email-address", email.lower()
    ):
        messages.error(
            request,
            _("The link has been sent several times already. Please try again in an hour."),
        )
        return redirect(back)
    services.results_email_request(
        assessment=assessment,
        email=email,
        language=get_language() or settings.LANGUAGE_CODE,
        remind=form.cleaned_data["remind"],
    )
    messages.success(
        request,
        _("The link is on its way to %(email)s. Check your spam folder if it has not arrived.")
        % {"email": email},
    )
    return redirect(back)


# RFC 8058: the mail client's one-click POST carries no CSRF token and no login.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def reminders_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        subscription = services.reminders_unsubscribe(token=token)
        if subscription is None:
            raise Http404
        return render(request, "followup/unsubscribed.html")
    # A GET changes nothing: link checkers in mail filters open every link.
    subscription = ReminderSubscription.objects.filter(unsubscribe_token=token).first()
    if subscription is None:
        raise Http404
    return render(
        request,
        "followup/unsubscribe.html",
        {"token": token, "unsubscribed": subscription.unsubscribed_at is not None},
    )
