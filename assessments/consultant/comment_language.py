"""Which language a consultant's comment is written in, to warn when it differs from the
report's: a simple heuristic, enough to tell Finnish from English (the report's two languages).

It counts the most common function words of each language, and counts a word with "ä" or "ö"
as Finnish too (English words have neither). A language is named only when the text has at least
MIN_WORDS words, at least MIN_EVIDENCE of them speak for that language, and at least twice as
many as for the other; a short or mixed comment gets no guess, and so no warning. Names, brands
and numbers count for neither language. (A general language detector would need a model of
megabytes for the one question "Finnish or English?", and still guess on short texts.)
"""

from __future__ import annotations

import re

MIN_WORDS = 5
MIN_EVIDENCE = 2

# "on" is left out: Finnish "is" and English "on".
FINNISH_WORDS = frozenset(
    [
        "ja",
        "ei",
        "että",
        "se",
        "ovat",
        "olla",
        "ole",
        "oli",
        "olisi",
        "kun",
        "myös",
        "tai",
        "jos",
        "voi",
        "voisi",
        "niin",
        "mutta",
        "kuin",
        "sekä",
        "tämä",
        "nämä",
        "tämän",
        "te",
        "teillä",
        "teidän",
        "teille",
        "teitä",
        "me",
        "meidän",
        "meillä",
        "siis",
        "vain",
        "jo",
        "nyt",
        "kanssa",
        "mukaan",
        "koska",
        "sitä",
        "sen",
        "ne",
        "niitä",
        "niiden",
        "joka",
        "jotka",
        "mikä",
        "mitä",
        "miten",
        "kuinka",
        "hyvin",
        "paljon",
        "enemmän",
        "vielä",
        "sitten",
        "kaikki",
        "kaikkien",
        "jokainen",
        "ennen",
        "jälkeen",
        "kautta",
        "välillä",
        "siitä",
        "siihen",
        "tässä",
        "tästä",
        "kannattaa",
        "pitää",
        "tulee",
        "täytyy",
        "ehkä",
        "aina",
        "usein",
        "esimerkiksi",
        "eli",
        "eikä",
        "vaan",
        "sillä",
    ]
)
ENGLISH_WORDS = frozenset(
    [
        "the",
        "and",
        "is",
        "are",
        "to",
        "of",
        "in",
        "that",
        "it",
        "for",
        "with",
        "you",
        "your",
        "not",
        "be",
        "this",
        "as",
        "have",
        "has",
        "we",
        "our",
        "they",
        "their",
        "but",
        "or",
        "can",
        "should",
        "will",
        "would",
        "more",
        "an",
        "a",
        "by",
        "from",
        "at",
        "which",
        "what",
        "how",
        "do",
        "does",
        "there",
        "these",
        "those",
        "been",
        "was",
        "were",
        "if",
        "when",
        "also",
        "only",
        "all",
        "each",
        "every",
        "about",
        "into",
        "than",
        "then",
        "could",
        "must",
        "may",
        "might",
        "very",
        "well",
        "just",
        "so",
        "because",
        "while",
        "where",
        "who",
        "its",
    ]
)
_WORD = re.compile(r"[^\W\d_]+")


def guess_language(text: str) -> str | None:
    """ "fi", "en", or None when the text does not say clearly enough."""
    words = [word.lower() for word in _WORD.findall(text)]
    if len(words) < MIN_WORDS:
        return None
    finnish = sum(1 for word in words if word in FINNISH_WORDS or "ä" in word or "ö" in word)
    english = sum(1 for word in words if word in ENGLISH_WORDS)
    if finnish >= MIN_EVIDENCE and finnish >= 2 * english:
        return "fi"
    if english >= MIN_EVIDENCE and english >= 2 * finnish:
        return "en"
    return None


def differs(text: str, language: str) -> str | None:
    """The language the text seems written in, when it is not `language`; else None."""
    guessed = guess_language(text)
    return guessed if guessed is not None and guessed != language else None
