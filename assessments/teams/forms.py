from __future__ import annotations

from typing import Any

from django import forms
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
