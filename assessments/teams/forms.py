from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .models import Team, TeamRole


class TeamStartForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["organisation", "email"]
        labels = {
            "organisation": _("Organisation"),
            "email": _("Your email (optional)"),
        }
        help_texts = {
            "email": _(
                "We use it only if you ask us for help with this team, for example if you lose "
                "your links."
            ),
        }


class TeamJoinForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Your role (optional)"),
        choices=[("", _("I prefer not to say"))] + list(TeamRole.choices),
        required=False,
        widget=forms.RadioSelect,
        help_text=_("The team sees a role's figures only when at least three colleagues name it."),
    )


# ---------------------------------------------------------------- invitations by email
# One send reaches at most this many colleagues: a team is a team, not a mailing list.
MAX_INVITE_ADDRESSES = 50
_SEPARATORS = re.compile(r"[\s,;]+")


class TeamInviteForm(forms.Form):
    addresses = forms.CharField(
        label=_("Your colleagues' email addresses"),
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off", "spellcheck": "false"}),
        max_length=MAX_INVITE_ADDRESSES * 260,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Formatted per request, in its language (a lazy text with % would be fixed at import).
        self.fields["addresses"].help_text = gettext(
            "One or more addresses, separated by commas or on lines of their own; at most "
            "%(max)s at a time. We send each colleague the invite link in this page's language "
            "and delete the addresses as soon as the emails have gone: they are not stored."
        ) % {"max": MAX_INVITE_ADDRESSES}

    def clean_addresses(self) -> list[str]:
        addresses: list[str] = []
        seen: set[str] = set()
        invalid: list[str] = []
        for address in _SEPARATORS.split(self.cleaned_data["addresses"]):
            if not address:
                continue
            try:
                validate_email(address)
            except ValidationError:
                invalid.append(address)
                continue
            if address.lower() not in seen:
                seen.add(address.lower())
                addresses.append(address)
        if invalid:
            raise ValidationError(
                ngettext(
                    "This is not an email address: %(addresses)s",
                    "These are not email addresses: %(addresses)s",
                    len(invalid),
                )
                % {"addresses": ", ".join(invalid[:10]) + (" …" if len(invalid) > 10 else "")},
                code="invalid",
            )
        if not addresses:
            raise ValidationError(_("Give at least one email address."), code="required")
        if len(addresses) > MAX_INVITE_ADDRESSES:
            raise ValidationError(
                _(
                    "At most %(max)s addresses at a time: you gave %(count)s. Send the rest in "
                    "another batch."
                )
                % {"max": MAX_INVITE_ADDRESSES, "count": len(addresses)},
                code="too_many",
            )
        return addresses
