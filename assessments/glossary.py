"""The questionnaire's glossary: which term to explain where it first appears on a page.

A version's glossary (QuestionnaireVersion.glossary, from the fixture) is a list of entries, each
with the term, its explanation, the word stems that find the term in inflected text (Finnish
inflects: "palvelulupauksenne" is the service promise) and the variants to avoid, every one per
language. Pure: no Django, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeAlias

# The term and its explanation in one language, as a page shows them.
Term: TypeAlias = dict[str, str]


def _stems(entry: Mapping[str, Any], language: str) -> list[str]:
    stems = entry.get("match", {}).get(language) or [entry["term"][language]]
    return [stem.casefold() for stem in stems]


def uses(entry: Mapping[str, Any], text: str, language: str) -> bool:
    """Whether `text` uses the entry's term in `language`."""
    folded = text.casefold()
    return any(stem in folded for stem in _stems(entry, language))


def term(entry: Mapping[str, Any], language: str) -> Term:
    return {"term": entry["term"][language], "definition": entry["definition"][language]}


def first_uses(
    glossary: Iterable[Mapping[str, Any]],
    texts: Sequence[tuple[str, str]],
    language: str,
) -> dict[str, list[Term]]:
    """Key → the terms whose first use among `texts` (key, text pairs in page order) is there."""
    placed: dict[str, list[Term]] = {}
    for entry in glossary:
        for key, text in texts:
            if uses(entry, text, language):
                placed.setdefault(key, []).append(term(entry, language))
                break
    return placed


def terms(glossary: Iterable[Mapping[str, Any]], language: str) -> list[Term]:
    """Every term with its explanation, in `language`, sorted as a reader looks them up."""
    return sorted((term(entry, language) for entry in glossary), key=lambda t: t["term"].casefold())
