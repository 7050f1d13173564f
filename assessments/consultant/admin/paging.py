"""The assessment list's paging at scale: the unfiltered list's row count from PostgreSQL's own
statistics instead of a full `COUNT(*)`, which grows with the table (0.9 ms at 10,000 rows,
7.4 ms at 100,000)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
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
    @cached_property
    def count(self) -> int:
        estimate = estimated_rows(self.object_list)  # type: ignore[arg-type]
        if estimate is None or estimate < EXACT_COUNT_BELOW:
            return super().count
        return estimate
