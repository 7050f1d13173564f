"""The PDF report compares with the group the respondent picked on the results page."""

import io
import re

import pytest
from django.test import Client
from pypdf import PdfReader

from tests.benchmarks.helpers import set_group
from tests.factories import answered_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def result(questionnaire, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return answered_assessment(questionnaire, lambda q: 4, industry="it", size="50-249")


def pdf_text(response) -> str:
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def test_the_results_page_links_the_pdf_with_the_pick(result):
    set_group(result.version, "all", "", 214)
    set_group(result.version, "industry", "it", 45)
    html = Client().get(f"/en/results/{result.token}/", {"compare": "industry"}).content.decode()
    assert f'href="/en/results/{result.token}/report.pdf?compare=industry"' in html
    html = Client().get(f"/en/results/{result.token}/").content.decode()
    assert f'href="/en/results/{result.token}/report.pdf"' in html


@pytest.mark.slow
def test_the_pdf_uses_the_picked_group_and_hides_a_small_segment(result):
    set_group(result.version, "all", "", 214)
    set_group(result.version, "industry", "it", 45)
    set_group(result.version, "size", "50-249", 9)
    url = f"/en/results/{result.token}/report.pdf"
    everyone = pdf_text(Client().get(url))
    assert "How you compare" in everyone
    assert "of 214 organisations." in everyone
    industry = pdf_text(Client().get(url, {"compare": "industry"}))
    assert "of 45 organisations." in industry
    assert "The same industry (IT and software)" in industry
    size = pdf_text(Client().get(url, {"compare": "size"}))
    assert "The same size" not in size  # nine: never shown, everyone instead
    assert "of 214 organisations." in size
    finnish = pdf_text(Client().get(f"/results/{result.token}/report.pdf"))
    assert "Vertailu muihin" in finnish and "214 organisaation" in finnish
