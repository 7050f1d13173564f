"""The assessment list's rows, written as Django's admin writes them but at a fraction of its cost.

Django's `items_for_result` works out every cell of every row afresh: the column's field or
function (`lookup_field`), its empty value, its CSS class, the change link through `reverse()`
and the preserved filters (which resolve the link again), and one `format_html` per cell. With
50 rows of 8 columns that was ~45 % of the list's time (issue 13's profile). Here what is the
same for every row is worked out once per page: each column's class and how its value is read,
and the change link as a pattern with the row's id put in. The values still come from the same
list_display (the admin's methods and the model's fields), and the markup is Django's own, so
that the admin's script (the action checkboxes) and stylesheet work as before.

Only a plain list takes this way; an editable list (list_editable) or a pop-up (the related
object picker) goes through Django's own code.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import escape as html_escape
from typing import Any
from urllib.parse import quote as url_quote

from django.contrib.admin.templatetags.admin_list import ResultList, results
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import display_for_field, display_for_value, quote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape, escape
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import mark_safe

# Put where the row's id goes in the change link, then replaced by it: reverse() and the preserved
# filters run once per page instead of once per row. Plain ASCII letters and underscores, which
# neither quote() nor the query string's encoding change.
_PK_MARK = "CXROWPKMARK"
_PATH_SAFE = RFC3986_SUBDELIMS + "/~:@"
# What admin/change_list_results.html writes between one row's cells and the next row's.
_BETWEEN_ROWS = "</tr>\n\n\n<tr>"


@dataclass(frozen=True)
class _Column:
    css: str  # the cell's classes
    tag: str  # td, or th for the first linked column
    linked: bool  # the value is a link to the row's change page
    value: Callable[[Any], tuple[str, bool]]  # the cell's HTML (escaped) and whether not to wrap


def _escaped(value: Any) -> str:
    # What format_html("{}", value) gives, without its lazy-string and safe-string wrappers.
    if hasattr(value, "__html__"):
        return str(value.__html__())
    # Django's escape() is html.escape() made safe, behind a check for lazy texts (~1 µs a call).
    return html_escape(value) if isinstance(value, str) else str(conditional_escape(value))


def _function_cell(
    function: Callable[[Any], Any], empty: str, *, boolean: bool
) -> Callable[[Any], tuple[str, bool]]:
    """A column read by a function (the admin's method or a callable), shown as Django shows it
    (admin.utils.display_for_value)."""

    def cell(obj: Any) -> tuple[str, bool]:
        try:
            value = function(obj)
        except ObjectDoesNotExist:
            return _escaped(empty), False
        if isinstance(value, str) and not boolean:
            # A method's text: Django shows it as it is (blank as blank), escaped unless safe.
            return _escaped("" if value.strip() == "" else value), False
        nowrap = isinstance(value, datetime.date | datetime.time)
        return _escaped(display_for_value(value, empty, boolean)), nowrap

    return cell


def _field_cell(field: models.Field, empty: str) -> Callable[[Any], tuple[str, bool]]:
    """A model field's column, shown as Django shows it (admin.utils.display_for_field)."""
    nowrap = isinstance(field, models.DateField | models.TimeField | models.ForeignKey)
    shown_empty = _escaped(empty)
    if isinstance(field.remote_field, models.ManyToOneRel):
        # A foreign key: the related object's text (Django's items_for_result).
        def related(obj: Any) -> tuple[str, bool]:
            value = getattr(obj, field.name)
            return (shown_empty if value is None else _escaped(str(value))), nowrap

        return related
    if getattr(field, "flatchoices", None) and not isinstance(field, models.BooleanField):
        # The choices' labels, escaped once per page rather than once per row.
        labels = {value: _escaped(label) for value, label in field.flatchoices}
        return lambda obj: (labels.get(getattr(obj, field.attname), shown_empty), nowrap)
    return lambda obj: (
        _escaped(display_for_field(getattr(obj, field.attname), field, empty)),
        nowrap,
    )


def _coerce_field_name(name: Any, index: int) -> str:
    """The column's name in its class, as Django's admin_list names it."""
    if callable(name):
        return f"lambda{index}" if name.__name__ == "<lambda>" else name.__name__
    return str(name)


def _model_field(cl: ChangeList, name: Any) -> models.Field | None:
    """The model field that a list_display entry names, as admin.utils.lookup_field finds it."""
    if callable(name) or not isinstance(name, str):
        return None
    try:
        field = cl.lookup_opts.get_field(name)
    except FieldDoesNotExist:
        return None
    # Reverse relations, many-to-many and generic keys are not shown by their field.
    if not isinstance(field, models.Field) or field.auto_created or field.many_to_many:
        return None
    return field


def _reader(cl: ChangeList, name: Any) -> tuple[Callable[[Any], Any], Any]:
    """How admin.utils.lookup_field reads a column that is no model field: the function that
    gives a row's value, and what carries the column's display options (boolean, empty value)."""
    if callable(name):
        return name, name
    if hasattr(cl.model_admin, name) and name != "__str__":
        method = getattr(cl.model_admin, name)
        return method, method
    # The model's own property or method.
    attribute = getattr(cl.model, name, None)

    def read(obj: Any) -> Any:
        value = getattr(obj, name)
        return value() if callable(value) else value

    return read, attribute.fget if isinstance(attribute, property) else attribute


def _columns(cl: ChangeList) -> list[_Column]:
    model_admin = cl.model_admin
    empty = model_admin.get_empty_value_display()
    columns = []
    first = True
    for index, name in enumerate(cl.list_display):
        css = f"field-{_coerce_field_name(name, index)}"
        field = _model_field(cl, name)
        if field is not None:
            value = _field_cell(field, empty)
        else:
            function, described = _reader(cl, name)
            if name == "action_checkbox":
                css = "action-checkbox"
            value = _function_cell(
                function,
                getattr(described, "empty_value_display", empty),
                boolean=getattr(described, "boolean", False),
            )
        linked = name in cl.list_display_links
        tag = "th" if linked and first else "td"
        first = first and not linked
        columns.append(_Column(css, tag, linked, value))
    return columns


def _change_link(cl: ChangeList) -> str:
    """The change page's address with _PK_MARK for the id, and the list's filters kept."""
    url = reverse(
        f"admin:{cl.opts.app_label}_{cl.opts.model_name}_change",
        args=(_PK_MARK,),
        current_app=cl.model_admin.admin_site.name,
    )
    return add_preserved_filters({"preserved_filters": cl.preserved_filters, "opts": cl.opts}, url)


def _takes_fast_path(cl: ChangeList) -> bool:
    return not cl.formset and not cl.is_popup and not cl.to_field and bool(cl.list_display_links)


def _written_rows(cl: ChangeList) -> list[str] | None:
    """Each listed object's row (its cells' HTML), or None where Django's code must write them."""
    if not _takes_fast_path(cl):
        return None
    try:
        link = escape(_change_link(cl))
    except NoReverseMatch:
        return None  # no change page to link to: Django shows the text alone
    columns = _columns(cl)
    pk_attname = cl.pk_attname
    written = []
    for obj in cl.result_list:
        # As reverse() puts the id in a path (admin's quote(), then percent-encoding).
        pk = url_quote(str(quote(getattr(obj, pk_attname))), safe=_PATH_SAFE)
        href = link.replace(_PK_MARK, html_escape(pk))
        cells = []
        for column in columns:
            html, nowrap = column.value(obj)
            css = f"{column.css} nowrap" if nowrap else column.css
            if column.linked:
                html = f'<a href="{href}">{html}</a>'
            cells.append(f'<{column.tag} class="{css}">{html}</{column.tag}>')
        written.append("".join(cells))
    return written


def rows(cl: ChangeList) -> Iterator[ResultList]:
    """Each listed object's cells, as Django's `results(cl)` gives them (one ResultList a row,
    here holding the whole row's HTML)."""
    written = _written_rows(cl)
    if written is None:
        yield from results(cl)
        return
    for row in written:
        # Every value was escaped by _escaped() (or was safe already); the rest is our markup.
        yield ResultList(None, [mark_safe(row)])  # noqa: S308  # nosec B308 B703


def table_body(cl: ChangeList) -> list[ResultList]:
    """The rows for change_list_results.html's `results`: on the fast way, every row in one.

    The template's loop costs tens of µs a row (an `{% if %}` on the row's form, an inner loop,
    a variable). It writes each row as `\n\n<tr>ROW</tr>\n`, so one "row" that holds every row
    joined by what the template puts between two rows gives the same bytes.
    """
    written = _written_rows(cl)
    if written is None:
        return list(results(cl))
    if not written:
        return []
    # As in rows(): every value escaped, the rest our markup.
    return [ResultList(None, [mark_safe(_BETWEEN_ROWS.join(written))])]  # noqa: S308  # nosec B308 B703
