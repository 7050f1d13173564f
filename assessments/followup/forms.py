from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class ResultsEmailForm(forms.Form):
    """Where to send the results link: the address given on the background page, or another one
    typed twice (a typo would send the private link to a stranger)."""

    email = forms.EmailField(label=_("Email address"), max_length=254)
    email_confirm = forms.EmailField(
        label=_("The address again, to confirm it"), max_length=254, required=False
    )
    remind = forms.BooleanField(
        label=_("Remind me to take the test again in 90 days and in 12 months."), required=False
    )

    def __init__(self, *args: Any, given_email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.given_email = given_email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        email = cleaned.get("email", "")
        is_new = email and email.lower() != self.given_email.lower()
        if is_new and cleaned.get("email_confirm", "").lower() != email.lower():
            self.add_error(
                "email_confirm",
                _("Type the new address a second time, exactly as above, to confirm it."),
            )
        return cleaned
