"""The glossary: a term is explained once, where a page first uses it, whatever its inflection."""

from assessments import glossary

ENTRIES = [
    {
        "term": {"fi": "palvelulupaus", "en": "service promise"},
        "match": {"fi": ["palvelulupau"], "en": ["service promise"]},
        "definition": {"fi": "Mitä lupaatte.", "en": "What you promise."},
    },
    {
        "term": {"fi": "asiakaspolku", "en": "customer journey"},
        "match": {"fi": ["asiakaspolk", "asiakaspolu"], "en": ["customer journey"]},
        "definition": {"fi": "Asiakkaan vaiheet.", "en": "The customer's stages."},
    },
    {
        "term": {"fi": "hukka", "en": "waste"},
        "definition": {"fi": "Turha työ.", "en": "Pointless work."},
    },
]


def test_a_term_is_placed_where_it_is_first_used_in_any_inflection() -> None:
    texts = [
        ("", "Tämä osio käsittelee lupauksia."),
        ("Q1", "Miten palvelulupauksenne on kirjattu?"),
        ("Q2", "Missä vaiheessa asiakaspolkua asiakas on? Entä palvelulupaus?"),
        ("Q3", "Asiakaspolulla ei ole hukkaa."),
    ]
    placed = glossary.first_uses(ENTRIES, texts, "fi")
    assert placed == {
        "Q1": [{"term": "palvelulupaus", "definition": "Mitä lupaatte."}],
        "Q2": [{"term": "asiakaspolku", "definition": "Asiakkaan vaiheet."}],
        "Q3": [{"term": "hukka", "definition": "Turha työ."}],
    }


def test_an_unused_term_is_not_placed_and_case_does_not_matter() -> None:
    placed = glossary.first_uses(ENTRIES, [("A", "Your Service Promise.")], "en")
    assert [t["term"] for t in placed["A"]] == ["service promise"]
    assert glossary.first_uses(ENTRIES, [("A", "Nothing here.")], "en") == {}
    assert glossary.first_uses([], [("A", "service promise")], "en") == {}


def test_the_list_is_in_the_readers_alphabetical_order() -> None:
    assert [t["term"] for t in glossary.terms(ENTRIES, "en")] == [
        "customer journey",
        "service promise",
        "waste",
    ]
