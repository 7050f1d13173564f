from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .mirror import RECOMMEND_MAX, RECOMMEND_MIN
from .mirror_content import MirrorContent
from .models import MirrorResponse, Team, TeamRole

COMMENT_MAX_LENGTH = MirrorResponse._meta.get_field("comment").max_length


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


# --- Customer mirror (issue 17, item 2) -------------------------------------------------------

DONT_KNOW = "dont_know"


class MirrorForm(forms.Form):
    """The customer's survey: one required choice per mirror question ("don't know" is an
    answer), an optional 0–10 and an optional comment."""

    def __init__(self, *args: Any, mirror: MirrorContent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mirror = mirror
        count = len(mirror.questions)
        for number, question in enumerate(mirror.questions, start=1):
            field = forms.ChoiceField(
                label=question.text,
                choices=[(str(v), text) for v, text in question.options]
                + [(DONT_KNOW, _("Don't know"))],
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose an answer, or “Don't know”.")},
            )
            field.number = number  # type: ignore[attr-defined]
            field.count = count  # type: ignore[attr-defined]
            field.dont_know = DONT_KNOW  # type: ignore[attr-defined]
            self.fields[question.code] = field
        self.fields["recommend"] = forms.TypedChoiceField(
            label=mirror.recommend,
            choices=[(str(v), str(v)) for v in range(RECOMMEND_MIN, RECOMMEND_MAX + 1)],
            coerce=int,
            empty_value=None,
            required=False,
            widget=forms.RadioSelect,
        )
        self.fields["comment"] = forms.CharField(
            label=_("Anything else you would like to tell them? (optional)"),
            help_text=_(
                "Please do not write your name or anything else that identifies you or another "
                "person: the organisation reads this text as you wrote it."
            ),
            required=False,
            max_length=COMMENT_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 4}),
        )

    def answers(self) -> dict[str, int | None]:
        return {
            q.code: None
            if self.cleaned_data[q.code] == DONT_KNOW
            else int(self.cleaned_data[q.code])
            for q in self.mirror.questions
        }

    @property
    def question_fields(self) -> list[forms.BoundField]:
        return [self[q.code] for q in self.mirror.questions]
