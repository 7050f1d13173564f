"""`{% once %}…{% endonce %}`: a part of a page that is the same for every visitor, rendered
once per language and process and kept (base.html's head, header and footer).

The part is rendered on a context of its own, empty but for Django's constants (`True`,
`None`…): nothing of the request, the visitor or the page's own variables can get into it, so
what is kept holds nothing of anyone. `{% csrf_token %}` inside it renders nothing, a variable
renders empty: a misplaced per-visitor value shows up as missing in the page, never as another
visitor's. What the output can depend on is in the key: the active language and the script
prefix (`{% url %}`); translations, `{% static %}` and `{% url %}` are fixed for a process's
life, and a changed setting (the tests' `override_settings`) starts afresh.
"""

from __future__ import annotations

import itertools

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import Parser, Token
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

# Raised by every changed setting: what was kept before it is not used again.
_generation = itertools.count()
_current = next(_generation)


@receiver(setting_changed)
def _settings_changed(**kwargs: object) -> None:
    global _current
    _current = next(_generation)


class OnceNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist
        self.kept: dict[tuple[str | None, str], SafeString] = {}
        self.generation = _current

    def render(self, context: template.Context) -> SafeString:
        if self.generation != _current:
            self.kept, self.generation = {}, _current
        key = (get_language(), get_script_prefix())
        found = self.kept.get(key)
        if found is None:
            # An empty context (Django's constants only) with the page's template and flags.
            found = mark_safe(self.nodelist.render(context.new()))  # noqa: S308  # nosec B308 B703
            if len(self.kept) >= 16:  # a handful of languages; never more
                self.kept = {}
            self.kept[key] = found
        return found


@register.tag("once")
def do_once(parser: Parser, token: Token) -> OnceNode:
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% once %} takes no arguments.")
    nodelist = parser.parse(("endonce",))
    parser.delete_first_token()
    return OnceNode(nodelist)
