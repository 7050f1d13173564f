"""Who runs the test and how a respondent reaches them: the data controller and the next step.

One place reads the settings (SERVICE_OWNER, CONTACT_EMAIL, CONTACT_PERSON, CONTACT_PHONE,
BOOKING_URL); the privacy notice, the results page's call to action and the PDF report all show
what `consultancy()` gives. `consultancy_check` (registered in apps.py for `check --deploy`)
refuses a production without a controller and a contact address.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError
from django.core.validators import validate_email


@dataclass(frozen=True)
class Consultancy:
    name: str  # the data controller
    email: str
    person: str = ""
    phone: str = ""
    booking_url: str = ""

    @property
    def phone_uri(self) -> str:
        """The phone number for a tel: link (digits and a leading plus only)."""
        digits = "".join(c for c in self.phone if c.isdigit())
        return ("+" if self.phone.lstrip().startswith("+") else "") + digits


def _booking_url_problem(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc:
        return "BOOKING_URL must be an https:// address."
    return None


def consultancy() -> Consultancy:
    """The configured consultancy; a malformed booking address is left out, never linked."""
    booking_url = settings.BOOKING_URL.strip()
    if booking_url and _booking_url_problem(booking_url):
        booking_url = ""
    return Consultancy(
        name=settings.SERVICE_OWNER.strip(),
        email=settings.CONTACT_EMAIL.strip(),
        person=settings.CONTACT_PERSON.strip(),
        phone=settings.CONTACT_PHONE.strip(),
        booking_url=booking_url,
    )


def consultancy_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """In production the privacy notice and the report must name the controller and a contact."""
    hint = (
        "Set SERVICE_OWNER and CONTACT_EMAIL (CONTACT_PERSON, CONTACT_PHONE and BOOKING_URL are "
        "optional); see docs/deploy.md."
    )
    found: list[checks.CheckMessage] = []
    if not settings.SERVICE_OWNER.strip():
        found.append(
            checks.Error(
                "SERVICE_OWNER is empty: the privacy notice and the report would name no data "
                "controller.",
                hint=hint,
                id="assessments.E019",
            )
        )
    email = settings.CONTACT_EMAIL.strip()
    try:
        validate_email(email)
    except ValidationError:
        found.append(
            checks.Error(
                "CONTACT_EMAIL is empty or not an email address: respondents would have no way "
                "to reach the controller.",
                hint=hint,
                id="assessments.E020",
            )
        )
    booking_url = settings.BOOKING_URL.strip()
    problem = booking_url and _booking_url_problem(booking_url)
    if problem:
        found.append(checks.Error(problem, hint=hint, id="assessments.E021"))
    return found
