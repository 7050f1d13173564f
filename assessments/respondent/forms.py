from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .. import scoring, selectors
from ..codes import DONT_KNOW, NOT_APPLICABLE
from ..models import Area, Assessment, Option, Question
from ..services import BACKGROUND_CONSENT_WORDING, BACKGROUND_FIELDS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    # The mixin is used only with Django forms; type-check it as one.
    _FormBase = forms.BaseForm
else:
    _FormBase = object

QUESTION_REQUIRED = _('Choose the option that best describes your organisation, or "Don\'t know".')
QUESTION_INVALID = _("That answer is not one of this question's options. Choose again.")
UNEXPECTED_DATA = _("The form contained unexpected data. Please reload the page and try again.")

# Form data that is not a field but is expected: the CSRF token and the buttons.
NAVIGATION_KEYS = frozenset(
    {"csrfmiddlewaretoken", "next", "back", "finish", "autosave", "dont_know_confirmed"}
)


class StrictFormMixin(_FormBase):
    """Refuses a POST that carries keys the form does not know: a sign of tampering."""

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if self.is_bound:
            unexpected = set(self.data) - set(self.fields) - NAVIGATION_KEYS
            if unexpected:
                raise forms.ValidationError(UNEXPECTED_DATA, code="unexpected")
        return cleaned


def field_name(question: Question) -> str:
    """The form field (and radio group name) of a question."""
    return f"q_{question.code}"


def _option_choices(question: Question) -> list[tuple[str, StrOrPromise]]:
    """The question's options as (value, text) in the active language, worked out once per
    language and question object: the questions come from the version's shared content
    (`selectors.questionnaire_content`), so each save need not read every option's translation
    again. A changed version is read afresh, with new objects."""
    kept: dict[str | None, list[tuple[str, StrOrPromise]]] = question.__dict__.setdefault(
        "_option_choices", {}
    )
    language = get_language()
    found = kept.get(language)
    if found is None:
        found = kept[language] = [
            (str(option.pk), option.text) for option in question.options.all()
        ]
    return found


class QuestionField(forms.ChoiceField):
    """One question's radio group; the template reads its number and the "don't know" value."""

    number: int
    count: int  # the area's questions: "3 / 9"
    dont_know: str
    not_applicable: str
    # The glossary entries whose term first appears on the page in this question.
    terms: list[dict[str, str]]


class AreaAnswersForm(StrictFormMixin, forms.Form):
    """One radio group per question of an area: its five options and "don't know".

    A partial form (going back, autosaving) accepts unanswered questions but never an invalid
    answer.
    """

    def __init__(
        self,
        *args: Any,
        area: Area,
        first_number: int = 1,
        saved: dict[int, str] | None = None,
        partial: bool = False,
        offers_not_applicable: bool = False,
        terms: dict[str, list[dict[str, str]]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.area = area
        self.questions: dict[str, Question] = {}
        self.options: dict[str, Option] = {}
        for number, question in enumerate(area.questions.all(), start=first_number):
            name = field_name(question)
            self.questions[name] = question
            choices = [*_option_choices(question)]
            self.options.update({str(option.pk): option for option in question.options.all()})
            choices.append((DONT_KNOW, _("Don't know")))
            if offers_not_applicable:
                choices.append((NOT_APPLICABLE, _("Not applicable to us")))
            field = QuestionField(
                label=question.text,
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={"required": QUESTION_REQUIRED, "invalid_choice": QUESTION_INVALID},
                initial=(saved or {}).get(question.pk),
                required=not partial,
            )
            field.number = number
            field.count = len(area.questions.all())
            # The template marks the "don't know" option by this value.
            field.dont_know = DONT_KNOW
            field.not_applicable = NOT_APPLICABLE
            field.terms = (terms or {}).get(question.code, [])
            self.fields[name] = field
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            *(Field(name, template="assessments/question_field.html") for name in self.fields)
        )

    def lacks_a_level(self) -> bool:
        """Whether the valid form's answers leave the area without a level because of "don't
        know", by the scoring rules themselves (an area that mostly does not apply is another
        matter: it says why on the results page)."""
        values: dict[str, int | None | Literal["not_applicable"]] = {
            question.code: option.value if option else None
            for question, option in self.chosen().items()
        }
        values.update({question.code: scoring.NOT_APPLICABLE for question in self.not_applicable()})
        result = scoring.score_area(selectors.area_specs([self.area])[0], values)
        return result.level is None and not result.mostly_not_applicable

    def chosen(self) -> dict[Question, Option | None]:
        """The answers of a valid form (None = don't know); unanswered questions and those
        answered "not applicable" are left out."""
        return {
            self.questions[name]: None if value == DONT_KNOW else self.options[value]
            for name, value in self.cleaned_data.items()
            if name in self.questions and value and value != NOT_APPLICABLE
        }

    def not_applicable(self) -> list[Question]:
        """The questions of a valid form answered "not applicable"."""
        return [
            self.questions[name]
            for name, value in self.cleaned_data.items()
            if name in self.questions and value == NOT_APPLICABLE
        ]


class BackgroundForm(StrictFormMixin, forms.ModelForm):
    """Optional facts about the organisation; an email only with consent to be contacted."""

    # A decoy that people never see; bots that fill every field give themselves away.
    website = forms.CharField(required=False, max_length=200, label=_("Leave this field empty"))

    class Meta:
        model = Assessment
        fields = list(BACKGROUND_FIELDS)
        labels = {
            "organisation": _("Organisation name"),
            "consent_to_contact": BACKGROUND_CONSENT_WORDING,
        }
        help_texts = {
            "email": _("Optional. Give it only if you want us to contact you."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("industry", "size", "role"):
            field = cast(forms.ChoiceField, self.fields[name])
            # django-stubs types the getter like the setter (which also takes a Choices class or
            # a callable); the getter returns the normalised list.
            choices = list(field.choices)  # type: ignore[arg-type]
            field.choices = [("", _("Choose (optional)"))] + choices[1:]
        self.fields["consent_to_contact"].help_text = format_html(
            '<a href="{}">{}</a>', reverse("assessments:privacy"), _("Read the privacy notice")
        )
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["organisation"].widget.attrs["autocomplete"] = "organization"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            *self._meta.fields,
            Field("website", wrapper_class="d-none", tabindex="-1", autocomplete="off"),
        )

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Leave this field empty."))
        return ""

    def details(self) -> dict[str, object]:
        """The valid form's background details, for services.background_save."""
        return {name: self.cleaned_data[name] for name in BACKGROUND_FIELDS}


class ContactRequestForm(StrictFormMixin, forms.Form):
    """ "Ask us to contact you" on the results page: one field, the address to be contacted at."""

    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        error_messages={
            "required": _("Enter your email address so that we can contact you."),
            "invalid": _("Enter an email address in the right format, like name@example.com."),
        },
    )

    def __init__(self, *args: Any, consultancy_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.consultancy_name = consultancy_name
        self.fields["email"].widget.attrs.update(
            {"autocomplete": "email", "spellcheck": "false", "class": "form-control"}
        )

    @property
    def wording(self) -> str:
        """The consent the respondent gives by sending the form, as shown beside the button and
        stored with the request (one text for both)."""
        if self.consultancy_name:
            return _(
                "By sending this, you agree that %(name)s may contact you about these results "
                "at this address. It is used for nothing else."
            ) % {"name": self.consultancy_name}
        return str(
            _(
                "By sending this, you agree that we may contact you about these results at this "
                "address. It is used for nothing else."
            )
        )
