"""The assessment list's filters, written as Django's `admin/filter.html` writes them but without
the template engine.

Django renders each of the list's 15 filters through its template: a context, a `blocktranslate`,
a loop with an `{% if %}` and a filter per choice. That was ~14 % of the list's time (issue 13's
profile). Here the same markup is written directly, byte for byte (tests/consultant/
test_filter_list.py compares it with Django's): the choices and their links still come from the
filter's own `choices()`, the title and the choices' texts are escaped as the template escapes
them. A filter with a template of its own goes through Django's code.
"""

from __future__ import annotations

import re
from html import escape as html_escape
from typing import Any

from django.contrib.admin.filters import ListFilter
from django.contrib.admin.templatetags.admin_list import admin_list_filter
from django.contrib.admin.views.main import ChangeList
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.encoding import iri_to_uri
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

DJANGO_TEMPLATE = "admin/filter.html"
# A template's context as Django's admin_list_filter gives it (no request, the engine's
# defaults): how the template shows a value (localised, escaped).
_CONTEXT = Context()


# What iri_to_uri() leaves as it is: the characters quote() never encodes and the ones it is
# told to keep (django.utils.encoding.iri_to_uri's safe list).
_URI_AS_IS = re.compile(r"[A-Za-z0-9_.\-~/#%\[\]=:;$&()+,!?*@']*")


def _shown(value: Any) -> str:
    if isinstance(value, str | Promise):
        # What render_value_in_context gives a text (neither localised nor a date): escaped
        # unless safe, without its look-ups for dates and numbers.
        text = value if isinstance(value, str) else str(value)
        return str(text.__html__()) if hasattr(text, "__html__") else html_escape(text)
    return str(render_value_in_context(value, _CONTEXT))


def _href(query_string: str) -> str:
    """escape(iri_to_uri(query_string)), without quote() for a string it would leave as it is
    (most of the ~90 links a page has)."""
    uri = query_string if _URI_AS_IS.fullmatch(query_string) else iri_to_uri(query_string)
    return html_escape(uri)


def filter_html(cl: ChangeList, spec: ListFilter) -> SafeString:
    """The filter's box, as `{% admin_list_filter cl spec %}` renders it."""
    if spec.template != DJANGO_TEMPLATE:
        return admin_list_filter(cl, spec)  # type: ignore[arg-type]  # any filter; the stubs say one kind
    title = _shown(spec.title)
    heading = gettext(" By %(filter_title)s ") % {"filter_title": title}
    parts = [
        f'\n<details data-filter-title="{title}" open>\n  <summary>\n    {heading}\n  </summary>'
        "\n  <ul>\n  "
    ]
    for choice in spec.choices(cl):
        selected = ' class="selected"' if choice["selected"] else ""
        href = _href(choice["query_string"])
        parts.append(
            f'\n    <li{selected}>\n    <a href="{href}">{_shown(choice["display"])}</a></li>\n  '
        )
    parts.append("\n  </ul>\n</details>\n")
    # The title and every text were escaped by _shown(), the links by _href().
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703
