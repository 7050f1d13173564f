"""The consultant's comment on each area of an assessment, printed in that area's section of
the PDF report: an inline with one text box per area of the assessment's version."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ... import roles
from ...models import Area, AreaComment, Assessment


class AreaCommentForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = AreaComment
        fields = ("area", "text")
        widgets = {"area": forms.HiddenInput, "text": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "text": _(
                "Printed in this area's section of the PDF report, after the automatic "
                "recommendations. Leave empty for no comment."
            )
        }

    def __init__(self, *args: Any, areas: dict[int, tuple[int, Area]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(  # type: ignore[attr-defined]
            pk__in=list(areas)
        )
        # Empty means "no comment": an empty existing comment is deleted by the formset.
        self.fields["text"].required = False
        area_id = self.instance.area_id if self.instance.pk else self.initial.get("area")
        if area_id in areas:
            number, area = areas[area_id]
            self.fields["text"].label = f"{number}. {area.name}"


class AreaCommentFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    """Written comments first, then an empty box for every area that has none."""

    def __init__(self, *args: Any, instance: Assessment | None = None, **kwargs: Any) -> None:
        areas = list(instance.version.areas.order_by("order")) if instance else []
        numbered = {area.pk: (number, area) for number, area in enumerate(areas, start=1)}
        commented = set(
            AreaComment.objects.filter(assessment=instance).values_list("area_id", flat=True)
        )
        kwargs["initial"] = [{"area": area.pk} for area in areas if area.pk not in commented]
        kwargs["form_kwargs"] = {**kwargs.get("form_kwargs", {}), "areas": numbered}
        super().__init__(*args, instance=instance, **kwargs)

    def save_existing(self, form: forms.ModelForm, obj: AreaComment, commit: bool = True) -> Any:  # type: ignore[type-arg]
        if not obj.text.strip():
            obj.delete()
            return obj
        return super().save_existing(form, obj, commit)


class AreaCommentInline(admin.StackedInline):  # type: ignore[type-arg]
    model = AreaComment
    form = AreaCommentForm
    formset = AreaCommentFormSet
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
