"""Benchmark of the PDF report (`make bench-pdf`): a script, not a timed test.

In one run, on data it makes itself in a temporary SQLite database (db.sqlite3 is never
touched), it measures the median time of

  (a) rendering the full report (`assessments.report.pdf.render_report_pdf`, no cache),
  (b) rendering a one-line document with WeasyPrint, twice: plain WeasyPrint defaults, and
      through the report's own pipeline (`assessments.report.pdf.render_html`: the same fetcher,
      stylesheet, embedded font and PDF/UA output), which is the fixed cost every report pays,
  (c) a cached download through the Django view (test client, the PDF served from storage),
  (d) the report's words alone: its paragraphs, headings and list items with every other tag,
      the stylesheet and the charts stripped, in plain WeasyPrint. No layout of this content can
      be cheaper, so (d) / (b) is the lowest ratio this content can reach with WeasyPrint,

and prints the ratios to (b) against the targets: full report <= 6 x the one-line document,
cached download <= 20 ms. The renders are timed in turns (a, b, b, d, a, b, ...) so that a
noisy neighbour on a shared machine slows them alike. `--profile` adds a pyinstrument profile
of one full render.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RATIO_TARGET = 6.0
CACHED_TARGET_MS = 20.0
ONE_LINE = "<p>Hello, world.</p>"
PROFILE_LINES = 60
# Per area (by order): the answers in question order, repeating; None = don't know. Gives a
# report with strengths, priorities and every part of the layout.
ANSWER_PATTERN = {1: (4, 5, 4, 3), 2: (2, 3, None, 1), 3: (3, 4, 3, 2)}


def configure(workdir: Path) -> None:
    """Point Django at a throwaway database and media folder before it starts."""
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["DJANGO_SETTINGS_MODULE"] = "cxmaturity.settings"
    os.environ.setdefault("SECRET_KEY", "bench-pdf-only-not-a-secret")
    # Production-like, but served over plain HTTP to the test client.
    os.environ["DEBUG"] = "0"
    os.environ["HTTPS"] = "0"
    os.environ["STATIC_MANIFEST"] = "0"
    sys.path.insert(0, str(ROOT))

    import django
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()  # lets the test client in (ALLOWED_HOSTS) and keeps mail local


def make_assessment():
    from django.core.management import call_command

    from assessments import selectors, services
    from assessments.models import Assessment, QuestionnaireVersion

    call_command("migrate", verbosity=0, stdout=StringIO())
    call_command("load_questionnaire", stdout=StringIO())
    version = QuestionnaireVersion.objects.current()
    assessment = Assessment.objects.create(
        version=version, organisation="Oy Äyskäri Ab – Åland & Co", language="fi"
    )
    choices = {}
    for area in selectors.areas_with_questions(version):
        pattern = ANSWER_PATTERN.get(area.order, (3,))
        for index, question in enumerate(area.questions.all()):
            value = pattern[index % len(pattern)]
            choices[question] = None if value is None else question.options.get(value=value)
    services.answers_save(assessment=assessment, choices=choices)
    services.assessment_complete(assessment=assessment)
    return assessment


def median_ms(action: Callable[[], object], runs: int, warmup: int = 1) -> tuple[float, float]:
    """Median wall and CPU time of `action` in milliseconds, after `warmup` untimed runs."""
    return in_turns({"": action}, runs, warmup)[""]


def in_turns(
    actions: dict[str, Callable[[], object]], runs: int, warmup: int = 1
) -> dict[str, tuple[float, float]]:
    """Median wall and CPU time of each action in milliseconds, timed one after another."""
    for _ in range(warmup):
        for action in actions.values():
            action()
    wall: dict[str, list[float]] = {name: [] for name in actions}
    cpu: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(runs):
        for name, action in actions.items():
            started, started_cpu = time.perf_counter(), time.process_time()
            action()
            wall[name].append((time.perf_counter() - started) * 1000)
            cpu[name].append((time.process_time() - started_cpu) * 1000)
    return {name: (statistics.median(wall[name]), statistics.median(cpu[name])) for name in actions}


def words_only(html: str) -> str:
    """The document's paragraphs, headings and list items, without any other markup or style."""
    body = html.split("<body>", 1)[1]
    body = re.sub(r"<svg.*?</svg>", "", body, flags=re.S)
    body = re.sub(r"<(?!/?(?:p|h1|h2|h3|li|ol|ul)\b)[^>]*>", "", body)
    body = re.sub(r"<(p|h1|h2|h3|li|ol|ul)\b[^>]*>", r"<\1>", body)
    return f'<html lang="fi"><head><title>t</title></head><body>{body}'


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="renders per measurement (>= 5)")
    parser.add_argument("--downloads", type=int, default=50, help="cached downloads to time")
    parser.add_argument("--profile", action="store_true", help="profile one full render")
    args = parser.parse_args()
    runs = max(args.runs, 5)

    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as workdir:
        configure(Path(workdir))

        import io

        import pypdf
        from django.template.loader import render_to_string
        from django.test import Client
        from django.urls import reverse
        from django.utils import translation
        from weasyprint import HTML

        from assessments.report import build, document, pdf

        assessment = make_assessment()
        report = pdf.render_report_pdf(assessment, "fi")
        pages = len(pypdf.PdfReader(io.BytesIO(report)).pages)
        one_line_report = (
            f'<html lang="fi"><head><title>t</title></head><body>{ONE_LINE}</body></html>'
        )
        with translation.override("fi"):
            words = words_only(
                render_to_string(
                    pdf.TEMPLATE,
                    document.report_context(assessment, build.build_report(assessment)),
                )
            )

        timed = in_turns(
            {
                "full": lambda: pdf.render_report_pdf(assessment, "fi"),
                "plain": lambda: HTML(string=ONE_LINE).write_pdf(),
                "same": lambda: pdf.render_html(one_line_report),
                "words": lambda: HTML(string=words).write_pdf(),
            },
            runs,
        )
        (full, full_cpu), (plain, plain_cpu) = timed["full"], timed["plain"]
        (same, same_cpu), (bare, bare_cpu) = timed["same"], timed["words"]

        client = Client()
        with translation.override("fi"):
            url = reverse("assessments:report_pdf", kwargs={"token": assessment.token})

        def download() -> None:
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            b"".join(response.streaming_content)

        cached, cached_cpu = median_ms(download, args.downloads, warmup=2)

        lines = [
            (f"(a) full report ({pages} pages, {len(report) // 1024} KiB)", full, full_cpu),
            ("(b) one-line document, plain WeasyPrint", plain, plain_cpu),
            ("(b) one-line document, the report's pipeline", same, same_cpu),
            ("(c) cached download through the view", cached, cached_cpu),
            ("(d) the report's words alone, plain WeasyPrint", bare, bare_cpu),
        ]
        print(f"medians: renders over {runs} runs, downloads over {args.downloads}")
        for name, wall, cpu in lines:
            print(f"{name:<50} {wall:8.1f} ms   (CPU {cpu:6.1f} ms)")
        checks = [
            ("ratio (a) / plain one-line", full / plain, RATIO_TARGET, ""),
            ("ratio (a) / one-line in the pipeline", full / same, RATIO_TARGET, ""),
            ("ratio (d) / plain one-line, the floor", bare / plain, RATIO_TARGET, ""),
            ("cached download", cached, CACHED_TARGET_MS, " ms"),
        ]
        for name, value, target, unit in checks:
            verdict = "meets" if value <= target else "MISSES"
            print(f"{name}: {value:.1f}{unit or ' x'}  {verdict} the target <= {target:g}{unit}")

        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler()
            with profiler:
                pdf.render_report_pdf(assessment, "fi")
            # Inclusive time per function: where the render's time goes, phase by phase.
            flat = profiler.output_text(show_all=True, flat=True, flat_time="total")
            print("\n".join(flat.splitlines()[:PROFILE_LINES]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
