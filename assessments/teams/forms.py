from __future__ import annotations

from django import forms
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
