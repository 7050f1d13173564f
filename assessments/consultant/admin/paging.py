"""The assessment list's paging at scale: the unfiltered list's row count from PostgreSQL's own
statistics instead of a full `COUNT(*)`, which grows with the table (0.9 ms at 10,000 rows,
7.4 ms at 100,000)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Count, Max, Min, QuerySet
from django.utils.functional import cached_property

# Below this many rows an exact count is cheap and an estimate would only look wrong.
EXACT_COUNT_BELOW = 10_000


def estimated_rows(queryset: QuerySet[Any]) -> int | None:
    """PostgreSQL's estimate of an unfiltered queryset's rows; None where there is none (another
    database, a filtered or searched list, a table not yet analysed)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql" or queryset.query.where:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [queryset.model._meta.db_table],
        )
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] >= 0 else None


class EstimatedCountPaginator(Paginator):
    def __init__(self, *args: Any, date_field: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The list's date_hierarchy field: an exact count asks for its first and last value in
        # the same query (the date drill-down's bounds), one query fewer per page.
        self.date_field = date_field
        self.date_bounds: dict[str, Any] | None = None

    @cached_property
    def count(self) -> int:
        estimate = estimated_rows(self.object_list)  # type: ignore[arg-type]
        if estimate is not None and estimate >= EXACT_COUNT_BELOW:
            return estimate
        if self.date_field is None or not isinstance(self.object_list, QuerySet):
            return super().count
        # COUNT(*) first, as the count alone is written (the bounds ride along).
        found = self.object_list.aggregate(
            count=Count("*"), first=Min(self.date_field), last=Max(self.date_field)
        )
        self.date_bounds = {"first": found["first"], "last": found["last"]}
        return int(found["count"])
