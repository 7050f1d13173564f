"""The consultant's comment on each area of an assessment, printed in that area's section of
the PDF report: an inline with one text box per area of the assessment's version."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.auth.base_user import AbstractBaseUser
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ... import roles
from ...models import Area, AreaComment, Assessment
from .. import comment_language

# The submit button that saves the page and then shows the PDF report as it will print.
PREVIEW_PDF = "_preview_pdf"


# Whole sentences per pair of languages: Finnish inflects the languages' names.
LANGUAGE_WARNINGS = {
    ("en", "fi"): _("This comment seems to be written in English, but the report is in Finnish."),
    ("fi", "en"): _("This comment seems to be written in Finnish, but the report is in English."),
}


def language_warning(text: str, report_language: str) -> str | None:
    """A warning for a comment that seems written in another language than the report's."""
    guessed = comment_language.differs(text, report_language)
    warning = LANGUAGE_WARNINGS.get((guessed, report_language)) if guessed else None
    return str(warning) if warning else None


def comment_language_warnings(assessment: Assessment) -> list[str]:
    """One warning per comment of the assessment whose language differs from its report's."""
    warnings = []
    for comment in AreaComment.objects.filter(assessment=assessment).select_related("area"):
        warning = language_warning(comment.text, assessment.language)
        if warning:
            warnings.append(f"{comment.area.name}: {warning}")
    return warnings


class AreaCommentForm(forms.ModelForm):
    class Meta:
        model = AreaComment
        fields = ("area", "text")
        widgets = {"area": forms.HiddenInput, "text": forms.Textarea(attrs={"rows": 4})}

    def __init__(
        self,
        *args: Any,
        areas: dict[int, tuple[int, Area]],
        report_language: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        area_field = cast(forms.ModelChoiceField, self.fields["area"])
        area_field.queryset = Area.objects.filter(pk__in=list(areas))
        # Empty means "no comment": an empty existing comment is deleted by the formset.
        self.fields["text"].required = False
        area_id = self.instance.area_id if self.instance.pk else self.initial.get("area")
        # The inline's template lists the boxes in the areas' order, each labelled by its area.
        self.area_number = 0
        if area_id in areas:
            self.area_number, area = areas[area_id]
            self.fields["text"].label = f"{self.area_number}. {area.name}"
        # A saved comment in another language than the report's is pointed out beside it.
        self.language_warning = (
            language_warning(self.instance.text, report_language) if self.instance.pk else None
        )


class AreaCommentFormSet(BaseInlineFormSet):
    """A box for every area: the written comments, and an empty one for each other area."""

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        instance: Assessment | None = None,
        **kwargs: Any,
    ) -> None:
        areas = list(instance.version.areas.order_by("order")) if instance else []
        numbered = {area.pk: (number, area) for number, area in enumerate(areas, start=1)}
        commented = set(
            AreaComment.objects.filter(assessment=instance).values_list("area_id", flat=True)
        )
        kwargs["initial"] = [{"area": area.pk} for area in areas if area.pk not in commented]
        kwargs["form_kwargs"] = {
            **kwargs.get("form_kwargs", {}),
            "areas": numbered,
            "report_language": instance.language if instance else "",
        }
        super().__init__(data, files, instance=instance, **kwargs)

    # Who signs what this formset saves: the consultant sending the page (AssessmentAdmin).
    signer: AbstractBaseUser | None = None

    def _signed(self, comment: AreaComment) -> AreaComment:
        if self.signer is not None:
            comment.sign(self.signer)
        return comment

    def save_new(self, form: forms.ModelForm[AreaComment], commit: bool = True) -> Any:
        self._signed(form.instance)
        return super().save_new(form, commit)

    def save_existing(
        self, form: forms.ModelForm[AreaComment], obj: AreaComment, commit: bool = True
    ) -> Any:
        if not obj.text.strip():
            obj.delete()
            return obj
        # Only a changed comment is saved here, so the signature follows the last change.
        return super().save_existing(form, self._signed(obj), commit)


class AreaCommentInline(admin.StackedInline):
    model = AreaComment
    form = AreaCommentForm
    formset = AreaCommentFormSet
    template = "admin/assessments/assessment/area_comments.html"
    fields = ("area", "text")
    can_delete = False
    verbose_name_plural = _("Consultant's comments per area")

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("area").order_by("area__order")

    def get_extra(self, request: HttpRequest, obj: Assessment | None = None, **kwargs: Any) -> int:
        if obj is None or not self.has_add_permission(request, obj):
            return 0
        return obj.version.areas.exclude(comments__assessment=obj).count()

    def get_max_num(
        self, request: HttpRequest, obj: Assessment | None = None, **kwargs: Any
    ) -> int:
        return obj.version.areas.count() if obj else 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Writing a comment on an area that has none is changing the assessment's comments.
        return obj is not None and request.user.has_perm(roles.CHANGE_AREA_COMMENT)
