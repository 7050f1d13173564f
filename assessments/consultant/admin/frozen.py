"""Content that responses were scored on is read-only in the admin, as the models demand."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.options import BaseModelAdmin, InlineModelAdmin
from django.http import HttpRequest

from ...models import QuestionnaireVersion, VersionedContent

_FROZEN_VERSIONS = "_cx_frozen_version_ids"


def frozen_version_ids(request: HttpRequest) -> frozenset[int]:
    """The frozen versions, asked of the database once per request however many rows ask."""
    ids = getattr(request, _FROZEN_VERSIONS, None)
    if ids is None:
        ids = frozenset(QuestionnaireVersion.objects.frozen().values_list("pk", flat=True))
        setattr(request, _FROZEN_VERSIONS, ids)
    return ids


def version_id(obj: QuestionnaireVersion | VersionedContent) -> int:
    """The questionnaire version that a version or a piece of its content belongs to."""
    if isinstance(obj, QuestionnaireVersion):
        return obj.pk
    *path, last = obj.VERSION_PATH.split("__")
    for step in path:
        obj = getattr(obj, step)
    return getattr(obj, f"{last}_id")


def is_frozen(request: HttpRequest, obj: QuestionnaireVersion | VersionedContent | None) -> bool:
    return obj is not None and version_id(obj) in frozen_version_ids(request)


class FrozenContentAdmin(BaseModelAdmin):
    """Change and delete only while the object's version is not frozen."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not is_frozen(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not is_frozen(request, obj)


class FrozenContentInline(FrozenContentAdmin, InlineModelAdmin):
    """An inline's `obj` is its parent: rows are added only while the parent's version is open."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) and not is_frozen(request, obj)
