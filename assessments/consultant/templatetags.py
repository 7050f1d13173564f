"""Template tags of the consultant workspace (the admin)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django import forms, template
from django.conf import settings
from django.contrib.admin.filters import ListFilter
from django.contrib.admin.helpers import InlineAdminForm
from django.contrib.admin.templatetags.admin_list import result_headers, result_hidden_fields
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.contrib.admin.views.main import ChangeList
from django.db.models import Max, Min
from django.template.base import render_value_in_context
from django.template.defaulttags import URLNode, url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import formats, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .. import roles
from .admin import filter_list, paging, rows

register = template.Library()

# The action form's fields as written, by what they depend on (see cx_action_form).
_ACTION_FORMS: dict[tuple[Any, ...], SafeString] = {}


def _local_date(value: datetime.datetime | datetime.date) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@register.inclusion_tag("admin/date_hierarchy.html")
def range_date_hierarchy(cl: ChangeList) -> dict:
    """The admin's date drill-down, with its choices taken from the first and last date.

    Django's own tag lists the distinct years (months, days) with a query over every listed
    row, which grows with the table; the first and last date are two index look-ups. A year or
    month between them may therefore lead to an empty list.
    """
    field_name = cl.date_hierarchy
    year_field, month_field, day_field = (
        f"{field_name}__{part}" for part in ("year", "month", "day")
    )
    year = cl.params.get(year_field)
    month = cl.params.get(month_field)
    day = cl.params.get(day_field)

    def link(filters: dict) -> str:
        return cl.get_query_string(filters, [f"{field_name}__"])

    if year and month and day:
        chosen = datetime.date(int(year), int(month), int(day))
        return {
            "show": True,
            "back": {
                "link": link({year_field: year, month_field: month}),
                "title": capfirst(formats.date_format(chosen, "YEAR_MONTH_FORMAT")),
            },
            "choices": [{"title": capfirst(formats.date_format(chosen, "MONTH_DAY_FORMAT"))}],
        }

    # Read with the list's count where it was counted (admin/paging.py), else asked here.
    bounds = getattr(cl, "date_bounds", None) or cl.queryset.aggregate(
        first=Min(field_name), last=Max(field_name)
    )
    if bounds["first"] is None:
        return {"show": False}
    first, last = _local_date(bounds["first"]), _local_date(bounds["last"])
    if not year and first.year == last.year:
        year = first.year
        if first.month == last.month:
            month = first.month

    if year and month:
        days = [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]
        return {
            "show": True,
            "back": {"link": link({year_field: year}), "title": str(year)},
            "choices": [
                {
                    "link": link({year_field: year, month_field: month, day_field: d.day}),
                    "title": capfirst(formats.date_format(d, "MONTH_DAY_FORMAT")),
                }
                for d in days
                if d.year == int(year) and d.month == int(month)
            ],
        }
    if year:
        months = [
            datetime.date(int(year), number, 1)
            for number in range(1, 13)
            if (int(year), number) >= (first.year, first.month)
            and (int(year), number) <= (last.year, last.month)
        ]
        return {
            "show": True,
            "back": {"link": link({}), "title": _("All dates")},
            "choices": [
                {
                    "link": link({year_field: year, month_field: m.month}),
                    "title": capfirst(formats.date_format(m, "YEAR_MONTH_FORMAT")),
                }
                for m in months
            ],
        }
    return {
        "show": True,
        "back": None,
        "choices": [
            {"link": link({year_field: str(y)}), "title": str(y)}
            for y in range(first.year, last.year + 1)
        ],
    }


@register.simple_tag(takes_context=True)
def can_use_workspace(context: template.Context) -> bool:
    """Whether the signed-in user sees the workspace's own menu (dashboard, assessments)."""
    request = context.get("request")
    return bool(request and request.user.has_perm(roles.VIEW_ASSESSMENT))


@register.filter
def in_area_order(inline_admin_formset: Iterable[InlineAdminForm]) -> list[InlineAdminForm]:
    """The comment inline's forms in the areas' order, without the blank form that the admin's
    script would copy ("add another"): every area already has its box."""
    forms = [form for form in inline_admin_formset if "__prefix__" not in (form.form.prefix or "")]
    return sorted(forms, key=lambda form: getattr(form.form, "area_number", 0))


def _rows_context(cl: ChangeList) -> dict:
    """What Django's result_list gives its template, with the rows from admin/rows.py."""
    headers = list(result_headers(cl))
    sorted_by = sum(1 for header in headers if header["sortable"] and header["sorted"])
    return {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sorted_by,
        "results": rows.table_body(cl),
    }


@register.tag(name="cx_result_list")
def cx_result_list(parser: template.base.Parser, token: template.base.Token) -> InclusionAdminNode:
    """`{% cx_result_list cl %}`: the list's table as `{% result_list cl %}` renders it (the same
    template, admin/<app>/<model>/change_list_results.html first), its rows from admin/rows.py."""
    return InclusionAdminNode(
        parser,
        token,
        func=_rows_context,
        template_name="change_list_results.html",
        takes_context=False,
    )


@register.simple_tag
def cx_list_filter(cl: ChangeList, spec: ListFilter) -> SafeString:
    """`{% cx_list_filter cl spec %}`: the filter as `{% admin_list_filter cl spec %}` renders it,
    written by admin/filter_list.py."""
    return filter_list.filter_html(cl, spec)


@register.simple_tag
def cx_pagination(cl: ChangeList) -> SafeString:
    """`{% cx_pagination cl %}`: the page links as `{% pagination cl %}` renders them, written by
    admin/paging.py."""
    return paging.pagination_html(cl)


def _action_form_key(form: forms.Form) -> tuple[Any, ...] | None:
    """What an unbound action form's HTML depends on: its class, prefix, ids, the language and
    each field's choices (the actions this user may run). None for a bound form (its data)."""
    if form.is_bound or form.initial:
        return None
    choices = tuple(
        tuple((str(value), str(label)) for value, label in getattr(field, "choices", ()))
        for field in form.fields.values()
    )
    return (type(form), form.prefix, form.auto_id, get_language(), choices)


@register.simple_tag(takes_context=True)
def cx_action_form(context: template.Context, form: forms.Form) -> SafeString:
    """The action form's fields, as admin/actions.html's loop writes them (`{% for field in
    action_form %}` with each field's label): its select and option templates cost ~0.4 ms a
    page. The markup depends only on the form's class and choices (the list's action form is
    unbound, made afresh per request), so it is written once per language and set of actions."""
    key = _action_form_key(form)
    html = _ACTION_FORMS.get(key) if key is not None else None
    if html is None:
        html = _written_action_form(context, form)
        if key is not None and len(_ACTION_FORMS) < 256:
            _ACTION_FORMS[key] = html
    return html


def _written_action_form(context: template.Context, form: forms.Form) -> SafeString:
    parts = []
    for field in form:
        if field.label:
            label = render_value_in_context(field.label, context)
            parts.append(f"<label>{label} {render_value_in_context(field, context)}</label>")
        else:
            parts.append(render_value_in_context(field, context))
    # Each label and field went through render_value_in_context() as {{ }} does.
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703


# reverse()'s answers for the page's fixed links, by all an answer depends on (CachedURLNode).
_URLS: dict[tuple[Any, ...], str | None] = {}


class CachedURLNode(URLNode):
    """`{% url %}` with its answer remembered: reverse() takes ~40 µs here, the admin's page
    has about ten fixed links (the menus, the user's links), and an answer depends only on the
    URLconf, the script prefix, the language (i18n_patterns), the names and arguments."""

    def render(self, context: template.Context) -> str:
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple(sorted((k, v.resolve(context)) for k, v in self.kwargs.items()))
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app  # type: ignore[attr-defined]
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace  # type: ignore[attr-defined]
            except AttributeError:
                current_app = None
        key = (
            view_name,
            args,
            kwargs,
            current_app,
            get_script_prefix(),
            get_urlconf(settings.ROOT_URLCONF),
            get_language(),
        )
        try:
            found = _URLS[key]
        except (KeyError, TypeError):  # not yet asked, or an argument that is no key
            try:
                found = reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)
            except NoReverseMatch:
                if self.asvar is None:
                    raise
                found = None
            try:
                if len(_URLS) >= 512:
                    _URLS.clear()
                _URLS[key] = found
            except TypeError:
                pass
        if found is None and self.asvar is None:
            raise NoReverseMatch(view_name)
        address = found or ""
        if self.asvar:
            context[self.asvar] = address
            return ""
        return conditional_escape(address) if context.autoescape else address


@register.tag(name="cx_url")
def cx_url(parser: template.base.Parser, token: template.base.Token) -> CachedURLNode:
    """`{% cx_url %}`: `{% url %}` (the same arguments) with reverse()'s answer remembered."""
    node = url(parser, token)
    return CachedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
