"""Template context for every page: the page's address in each language (hreflang, and the
language switch's destination)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, ResolverMatch, reverse, translate_url
from django.utils.translation import get_language, override


def language_alternates(request: HttpRequest) -> dict[str, Callable[[], object]]:
    """Computed only when a template asks (base.html), never for the admin's own pages.

    `language_alternates`: (hreflang, absolute URL) of this page in every language, and
    x-default (the default language's). `language_switch_next`: this page in the other language,
    where the language switch leads. Translated here, in the page's own language: Django's
    set_language cannot translate an /en/ address back (its own request is in the default
    language, which does not resolve /en/ paths), so it would send the reader back to English.
    """

    translated: dict[str, str] = {}

    def paths() -> dict[str, str]:
        # Once per request: both values need it, and each translation resolves the address.
        if not translated:
            path = request.get_full_path()
            match = request.resolver_match
            if match is None or request.path != request.path_info:
                # No view (an error page) or a script prefix: Django's way, which resolves.
                translated.update(
                    {code: translate_url(path, code) for code, _ in settings.LANGUAGES}
                )
            else:
                translated.update(
                    {code: _translated(path, match, code) for code, _ in settings.LANGUAGES}
                )
        return translated

    def alternates() -> list[tuple[str, str]]:
        urls = [(code, request.build_absolute_uri(path)) for code, path in paths().items()]
        return [*urls, ("x-default", dict(urls)[settings.LANGUAGE_CODE])]

    def switch_next() -> str:
        current = get_language()
        others = [path for code, path in paths().items() if code != current]
        return others[0] if others else request.get_full_path()

    return {"language_alternates": alternates, "language_switch_next": switch_next}


def _translated(path: str, match: ResolverMatch, language: str) -> str:
    """`translate_url(path, language)` for the request's own path, from the match Django made
    when it routed the request instead of resolving the path again for every language."""
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    with override(language):
        try:
            url = reverse(name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return path
    parsed = urlsplit(path)
    return urlunsplit((parsed.scheme, parsed.netloc, url, parsed.query, parsed.fragment))
