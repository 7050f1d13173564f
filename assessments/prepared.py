"""Queries that a page runs on every view, built and compiled by the ORM once and then run with
their own parameters.

Building and compiling a queryset costs far more than running it on these small look-ups (a
tenth of the results page, a fifth of an area page, nearly half of a cached PDF's download). The
SQL is the ORM's own, compiled with marks where the parameters go; `compile_query` checks that
the marks are the only parameters, so a query whose compiled form would hold a value of its own
is refused rather than run with the wrong one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet

# Stands for a row's id while a query is compiled: no row has a negative id.
ID_MARK = -7_654_321

# Each column's converters (by position) as the backend gives them for a compiled query.
Converters = tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]


@dataclass(frozen=True)
class PreparedQuery:
    sql: str
    converters: Converters

    def rows(self, connection: BaseDatabaseWrapper, params: Sequence[Any]) -> list[list[Any]]:
        """The rows, each value through its backend's converters, as the ORM would give them."""
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            found = cursor.fetchall()
        return [converted(row, self.converters, connection) for row in found]


def compile_query(
    queryset: QuerySet[Any], connection: BaseDatabaseWrapper, marks: tuple[Any, ...]
) -> PreparedQuery:
    """The queryset's SQL on `connection`, whose parameters must be exactly `marks` (the values it
    was built with in place of the real ones), and its columns' converters."""
    compiler = queryset.query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    if tuple(params) != marks:
        raise ImproperlyConfigured(f"a prepared query has other parameters: {params!r}")
    return PreparedQuery(str(sql), converters_of(compiler))


def converters_of(compiler: Any) -> Converters:
    converters = compiler.get_converters([column[0] for column in compiler.select])
    return tuple(
        (position, tuple(functions), expression)
        for position, (functions, expression) in converters.items()
    )


def converted(
    raw: Sequence[Any], converters: Converters, connection: BaseDatabaseWrapper
) -> list[Any]:
    """A row as Django's compiler hands it on: each column through its backend's converters."""
    row = list(raw)
    for position, functions, expression in converters:
        value = row[position]
        for convert in functions:
            value = convert(value, expression, connection)
        row[position] = value
    return row
