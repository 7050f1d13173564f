"""The assessment list's paging at scale: the unfiltered list's row count from PostgreSQL's own
statistics instead of a full `COUNT(*)`, which grows with the table (0.9 ms at 10,000 rows,
7.4 ms at 100,000). And the page links written as Django's `{% pagination cl %}` writes them,
without the template engine."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.templatetags.admin_list import pagination
from django.contrib.admin.views.main import PAGE_VAR, ChangeList
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Count, Max, Min, QuerySet
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

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


# How the template shows a number or a name (localised, escaped): a context as an inclusion tag's.
_CONTEXT = Context()


def _shown(value: Any) -> str:
    return str(render_value_in_context(value, _CONTEXT))


def pagination_html(cl: ChangeList) -> SafeString:
    """The page links, as `{% pagination cl %}` (admin/pagination.html) renders them.

    The template and its `{% paginator_number %}` per link cost ~0.5 ms a page: a
    `format_html`, a lazy ellipsis compared and a query string per link."""
    context = pagination(cl)
    parts = ['\n\n<p class="paginator">\n']
    if context["pagination_required"]:
        parts.append("\n")
        ellipsis = str(cl.paginator.ELLIPSIS)
        last = cl.paginator.num_pages
        for number in context["page_range"]:
            if number == ellipsis:
                link = f"{escape(ellipsis)} "
            elif number == cl.page_num:
                link = f'<span class="this-page">{escape(number)}</span> '
            else:
                end = ' class="end"' if number == last else ""
                href = escape(cl.get_query_string({PAGE_VAR: number}))
                link = f'<a href="{href}"{end}>{escape(number)}</a> '
            parts.append(f"\n    {link}\n")
        parts.append("\n")
    name = cl.opts.verbose_name if cl.result_count == 1 else cl.opts.verbose_name_plural
    parts.append(f"\n{_shown(cl.result_count)} {_shown(name)}\n")
    if context["show_all_url"]:
        show_all = escape(gettext("Show all"))
        parts.append(f'<a href="{escape(context["show_all_url"])}" class="showall">{show_all}</a>')
    parts.append("\n")
    if cl.formset and cl.result_count:
        save = escape(gettext("Save"))
        parts.append(f'<input type="submit" name="_save" class="default" value="{save}">')
    parts.append("\n</p>\n")
    # Every value was escaped (by escape() or _shown()); the rest is the template's markup.
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703
