"""The purged Bootstrap (`make css`) keeps every Bootstrap class that the site's pages use.

static/vendor/bootstrap/bootstrap.purged.min.css is Bootstrap without the rules PurgeCSS found no
use for (scripts/purge-css.mjs). A class that a page writes but that no scanned file spells out
(built at run time, or from a crispy-forms template that the script does not scan) would be
missing: the page would lose its styling without any error. So every page of the site is rendered
here in each of its states, and each class in it that full Bootstrap (the pinned npm package)
defines must be defined in the purged file too.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from assessments.respondent import views

from .factories import answered_assessment, area_post

ROOT = Path(settings.BASE_DIR)
PURGED = ROOT / "static/vendor/bootstrap/bootstrap.purged.min.css"
FULL = ROOT / "node_modules/bootstrap/dist/css/bootstrap.css"
IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}

CLASS_SELECTOR = re.compile(r"\.(-?[_a-zA-Z][_a-zA-Z0-9-]*)")
CLASS_ATTRIBUTE = re.compile(r'\bclass="([^"]*)"')


def css_classes(css: str) -> set[str]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"url\([^)]*\)", "", css)  # data: URLs hold dotted names, not classes
    return set(CLASS_SELECTOR.findall(css))


def page_classes(html: str) -> set[str]:
    return {name for value in CLASS_ATTRIBUTE.findall(html) for name in value.split()}


@pytest.fixture(scope="module")
def bootstrap_classes() -> set[str]:
    if not FULL.is_file():
        missing = (
            f"full Bootstrap is missing ({FULL.relative_to(ROOT)}): run `npm ci --ignore-scripts`"
        )
        if IN_CI:
            pytest.fail(missing)
        pytest.skip(missing)
    return css_classes(FULL.read_text(encoding="utf-8"))


def rendered_pages(respondent, consultant_client, questionnaire) -> dict[str, str]:
    """Every page a person sees that uses base.html or Bootstrap, in each of its states."""
    client, token = respondent.client, respondent.token
    area = reverse("assessments:area", kwargs={"token": token, "step": 1})
    background = reverse("assessments:background", kwargs={"token": token})
    pages = {
        "landing with an unfinished test": client.get("/"),
        "landing in English": client.get("/en/"),
        "area": client.get(area),
        "area, unanswered": client.post(area, {"next": ""}),
        "area, unexpected data": client.post(area, {"next": "", "bogus": "1"}),
        "background": client.get(background),
        "background, invalid email": client.post(background, {"finish": "", "email": "x"}),
        "background, unexpected data": client.post(background, {"finish": "", "bogus": "1"}),
        "privacy": client.get(reverse("assessments:privacy")),
    }
    for step in range(1, 4):
        path = reverse("assessments:area", kwargs={"token": token, "step": step})
        client.post(path, area_post(questionnaire, step, lambda question: 4, next=""))
    pages["background, valid"] = client.get(background)
    done = client.post(background, {"finish": ""}, follow=True)
    pages["results"] = done
    pages["results, after a stale save"] = client.post(area, {"next": ""}, follow=True)
    pages["delete my data"] = client.get(
        reverse("assessments:delete_data", kwargs={"token": token})
    )
    pages["landing after deleting"] = client.post(
        reverse("assessments:delete_data", kwargs={"token": token}), follow=True
    )
    other = answered_assessment(questionnaire, value_for=lambda question: 2)
    pages["consultant's results"] = consultant_client.get(
        reverse("assessments:consultant_results", kwargs={"pk": other.pk})
    )
    html = {}
    for name, response in pages.items():
        assert response.status_code == 200, name
        html[name] = response.content.decode()
    request = RequestFactory().get("/")
    request.session = {}  # type: ignore[assignment]
    html["429"] = views.rate_limited(request, Exception()).content.decode()
    for template in ("database_unavailable.html", "storage_unavailable.html"):
        for erasure_failed in (False, True):
            context = {"erasure_failed": erasure_failed, "page": "/"}
            html[f"{template} {erasure_failed}"] = render_to_string(template, context)
    return html


def test_every_bootstrap_class_a_page_uses_is_kept(
    bootstrap_classes, respondent, consultant_client, questionnaire
):
    kept = css_classes(PURGED.read_text(encoding="utf-8"))
    missing = {}
    for name, html in rendered_pages(respondent, consultant_client, questionnaire).items():
        lost = (page_classes(html) & bootstrap_classes) - kept
        if lost:
            missing[name] = sorted(lost)
    assert not missing, (
        f"run `make css` (and scan or safelist these in scripts/purge-css.mjs): {missing}"
    )


def test_the_classes_made_at_run_time_are_kept(bootstrap_classes):
    """Django's messages become alert-<tag> in base.html; the fields' error state is-invalid."""
    kept = css_classes(PURGED.read_text(encoding="utf-8"))
    tags = {constants.DEFAULT_TAGS[level] for level in constants.DEFAULT_TAGS} - {"debug"}
    alerts = {f"alert-{'danger' if tag == 'error' else tag}" for tag in tags}
    assert alerts | {"is-invalid", "invalid-feedback", "visually-hidden", "d-none"} <= kept


def test_only_the_purged_bootstrap_is_shipped():
    """The full file and its source map are not in static/ (they would be collected and served)."""
    shipped = {path.name for path in (ROOT / "static/vendor/bootstrap").iterdir()}
    assert shipped == {"bootstrap.purged.min.css", "LICENSE"}
    assert "sourceMappingURL" not in PURGED.read_text(encoding="utf-8")
