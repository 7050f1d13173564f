"""An email's subject, plain text and HTML, rendered in the language it is written in from
templates/<folder>/email/<name>_subject.txt, <name>.txt and <name>.html.

Links are absolute, from SITE_URL: the task worker and the daily commands that send emails have
no request to build them from."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def absolute(path: str) -> str:
    if not settings.SITE_URL:
        raise ImproperlyConfigured("Set SITE_URL (e.g. https://cx.example.com) to send emails.")
    return settings.SITE_URL.rstrip("/") + path


def message(
    folder: str,
    name: str,
    context: dict[str, object],
    *,
    language: str,
    to: Sequence[str],
    headers: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    with translation.override(language):
        subject = " ".join(render_to_string(f"{folder}/email/{name}_subject.txt", context).split())
        text = render_to_string(f"{folder}/email/{name}.txt", context)
        html = render_to_string(
            f"{folder}/email/{name}.html", {**context, "subject": subject, "language": language}
        )
    email = EmailMultiAlternatives(subject, text, to=list(to), headers=headers or {})
    email.attach_alternative(html, "text/html")
    return email
