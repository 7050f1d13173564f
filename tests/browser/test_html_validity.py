"""Every public page's HTML, in both languages, through the Nu Html Checker: no errors.

The pages are fetched with Django's test client (the HTML the server sends is what the checker
judges) and checked in one Java run, because the JVM takes seconds to start. Warnings are
allowed; they are kept in test-artifacts/html-validity.json for a person to read.
"""

from __future__ import annotations

import json
import subprocess  # nosec B404 (runs the checker that the tests themselves installed)
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from assessments import selectors
from assessments.content import load_questionnaire

from ..factories import area_post
from .conftest import ARTIFACTS

pytestmark = pytest.mark.slow

LANGUAGES = ("fi", "en")


def url(language: str, name: str, **kwargs: str) -> str:
    with translation.override(language):
        return reverse(f"assessments:{name}", kwargs=kwargs)


def html_of(response, status: int = 200) -> str:
    assert response.status_code == status, (response.status_code, response.get("Location"))
    return response.content.decode()


def pages_without_a_questionnaire(client, language: str) -> dict[str, str]:
    return {
        "landing, no questionnaire": html_of(client.get(url(language, "landing"))),
        "test not available": html_of(client.post(url(language, "start")), 503),
        "privacy notice": html_of(client.get(url(language, "privacy"))),
    }


def pages_of_a_whole_test(client, version, language: str) -> dict[str, str]:
    pages = {"landing": html_of(client.get(url(language, "landing")))}
    start = client.post(url(language, "start"))
    token = start["Location"].rstrip("/").split("/")[-3]
    pages["landing, test in progress"] = html_of(client.get(url(language, "landing")))
    pages["area 1, unanswered"] = html_of(client.post(url(language, "area", token=token, step=1)))
    for step in range(1, len(selectors.areas_with_questions(version)) + 1):
        pages[f"area {step}"] = html_of(client.get(url(language, "area", token=token, step=step)))
        answers = area_post(version, step, lambda question: 3)
        assert (
            client.post(url(language, "area", token=token, step=step), answers).status_code == 302
        )
    pages["background"] = html_of(client.get(url(language, "background", token=token)))
    invalid = client.post(url(language, "background", token=token), {"email": "not an address"})
    pages["background, invalid email"] = html_of(invalid)
    finished = client.post(url(language, "background", token=token), {})
    assert finished.status_code == 302, finished.content.decode()[:500]
    pages["results"] = html_of(client.get(url(language, "results", token=token)))
    pages["delete my data"] = html_of(client.get(url(language, "delete_data", token=token)))
    return pages


def check_with_vnu(vnu_jar: Path, files: list[Path]) -> list[dict]:
    completed = subprocess.run(  # noqa: S603  # nosec B603 (fixed arguments, no shell)
        ["java", "-jar", str(vnu_jar), "--format", "json", "--stdout", *map(str, files)],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.stdout, f"the Nu Html Checker printed nothing: {completed.stderr}"
    return json.loads(completed.stdout)["messages"]


def vnu_errors(vnu_jar: Path, pages: dict[str, str], folder: Path) -> list[str]:
    """The Nu Html Checker's errors in `pages` (name → HTML), each with its page's name."""
    files = {}
    for number, (name, html) in enumerate(pages.items(), start=1):
        path = folder / f"page-{number:02}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = name
    messages = check_with_vnu(vnu_jar, [folder / name for name in files])
    return [
        f"{files.get(m.get('url', '').rsplit('/', 1)[-1], '?')}: {m['message']}"
        for m in messages
        if m["type"] in ("error", "non-document-error")
    ]


def test_every_public_page_is_valid_html(
    client, settings, db, questionnaire_data, vnu_jar, tmp_path
):
    pages: dict[str, str] = {}
    for language in LANGUAGES:
        for name, html in pages_without_a_questionnaire(client, language).items():
            pages[f"{language}: {name}"] = html
    version, _ = load_questionnaire(questionnaire_data)
    for language in LANGUAGES:
        client.cookies.clear()
        for name, html in pages_of_a_whole_test(client, version, language).items():
            pages[f"{language}: {name}"] = html
    settings.RATE_LIMIT_START = "1/h"
    for language in LANGUAGES:
        client.post(url(language, "start"))
        pages[f"{language}: too many tests started"] = html_of(
            client.post(url(language, "start")), 429
        )
        with translation.override(language):
            # What the health middleware shows while the database is down.
            pages[f"{language}: database unavailable"] = render_to_string(
                "database_unavailable.html"
            )

    files = {}
    for number, (name, html) in enumerate(pages.items(), start=1):
        path = tmp_path / f"page-{number:02}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = name
    messages = check_with_vnu(vnu_jar, [tmp_path / name for name in files])

    def line(message: dict) -> str:
        page = files.get(message.get("url", "").rsplit("/", 1)[-1], message.get("url", "?"))
        extract = " ".join(message.get("extract", "").split())
        return f"{page} (line {message.get('lastLine', '?')}): {message['message']} [{extract}]"

    errors = [line(m) for m in messages if m["type"] in ("error", "non-document-error")]
    warnings = [line(m) for m in messages if m["type"] == "info"]
    ARTIFACTS.mkdir(exist_ok=True)
    report = {"pages": list(files.values()), "errors": errors, "warnings": warnings}
    (ARTIFACTS / "html-validity.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    assert not errors, "HTML errors:\n" + "\n".join(errors)
