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

from typing import Any

from django.contrib.admin.filters import ListFilter
from django.contrib.admin.templatetags.admin_list import admin_list_filter
from django.contrib.admin.views.main import ChangeList
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.encoding import iri_to_uri
from django.utils.functional import Promise
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

DJANGO_TEMPLATE = "admin/filter.html"
# A template's context as Django's admin_list_filter gives it (no request, the engine's
# defaults): how the template shows a value (localised, escaped).
_CONTEXT = Context()


def _shown(value: Any) -> str:
    if isinstance(value, str | Promise):
        # What render_value_in_context gives a text (neither localised nor a date): escaped
        # unless safe, without its look-ups for dates and numbers.
        return str(conditional_escape(value if isinstance(value, str) else str(value)))
    return str(render_value_in_context(value, _CONTEXT))


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
        href = escape(iri_to_uri(choice["query_string"]))
        parts.append(
            f'\n    <li{selected}>\n    <a href="{href}">{_shown(choice["display"])}</a></li>\n  '
        )
    parts.append("\n  </ul>\n</details>\n")
    # The title and every text were escaped by _shown(), the links by escape().
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703
