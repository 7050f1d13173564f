"""The annual benchmark report: the year's figures with no count under ten anywhere."""

import io
import random
import re
from datetime import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from pypdf import PdfReader

from assessments.benchmarks import annual, services
from assessments.benchmarks.models import SeriesMember
from assessments.models import Assessment
from tests.factories import answered_assessment

pytestmark = pytest.mark.django_db

YEAR = 2026


def results(version, count, *, seed, **fields):
    rng = random.Random(seed)
    made = []
    for _ in range(count):
        level = rng.choice([2, 3, 3, 4])
        made.append(
            answered_assessment(
                version, lambda q, level=level: rng.choice([level, level, level + 1]), **fields
            )
        )
    return made


@pytest.fixture
def year(questionnaire):
    it = results(questionnaire, 12, seed=1, industry="it", size="10-49")
    results(questionnaire, 9, seed=2, industry="finance", size="10-49")  # a group of nine
    results(questionnaire, 4, seed=3, industry="retail")
    results(questionnaire, 3, seed=4, industry="health", is_demo=True)  # demo: never counted
    # An organisation that took the test twice this year counts once, with its latest result.
    again = services.retake_start(assessment=it[0], language="fi")
    latest = answered_assessment(questionnaire, lambda q: 5, industry="it", size="10-49")
    SeriesMember.objects.filter(assessment=again).update(assessment=latest)
    again.delete()
    Assessment.objects.update(completed_at=timezone.make_aware(datetime(YEAR, 6, 1)))
    Assessment.objects.filter(pk=latest.pk).update(
        completed_at=timezone.make_aware(datetime(YEAR, 9, 1))
    )
    return questionnaire


def every_count(report):
    rows = [
        *report.levels,
        *(row for table in (*report.industries, *report.sizes) for row in table.rows),
    ]
    yield report.organisations
    for row in rows:
        yield row.organisations
        yield from (cell.count for cell in row.cells)
    yield from (row.organisations for row in (*report.strengths, *report.priorities))
    yield from (row.respondents for row in report.method)
    yield from (count for _, count in report.versions)


def test_no_count_under_ten_and_small_groups_merged(year):
    with translation.override("en"):
        report = annual.annual_report(YEAR)
        names = [area.name for area in year.areas.order_by("order")]
    assert report.organisations == 25  # 12 + 9 + 4, demo left out, the retake once
    assert all(count == 0 or count >= 10 for count in every_count(report))
    overall = report.industries[0]
    assert overall.title == "Overall"
    assert [row.label for row in overall.rows] == ["IT and software", "Other groups together"]
    assert [row.organisations for row in overall.rows] == [12, 13]  # 9 + 4 = 13 together
    # And per area, each with the same groups where they have levels enough.
    assert [table.title for table in report.industries[1:]] == names
    sizes = report.sizes[0]
    assert [row.label for row in sizes.rows] == ["10–49 employees"]  # 21; the 4 without size
    for row in report.levels:
        assert sum(cell.span for cell in row.cells) == 5
        assert sum(cell.count for cell in row.cells) == row.organisations


def test_a_small_year_gives_no_figures(questionnaire):
    results(questionnaire, 9, seed=5)
    Assessment.objects.update(completed_at=timezone.make_aware(datetime(YEAR, 3, 1)))
    report = annual.annual_report(YEAR)
    assert not report.enough
    assert report.levels == () and report.industries == ()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("language", "title", "other"),
    [
        ("fi", "Asiakaskokemuksen kypsyysvertailu 2026", "Muut ryhmät yhdessä"),
        ("en", "Customer experience maturity benchmark 2026", "Other groups together"),
    ],
)
def test_the_command_writes_the_pdf(year, tmp_path, language, title, other):
    path = tmp_path / f"benchmark-{language}.pdf"
    out = StringIO()
    call_command("benchmark_report", year=YEAR, language=language, output=str(path), stdout=out)
    assert "25 organisations" in out.getvalue()
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert title in text
    assert other in text
    assert "Finance" not in text and "Rahoitus" not in text  # the group of nine, by name
    assert "Retail" not in text and "Kauppa" not in text  # the group of four
