"""Write what users see of the demo data to a folder, so that two versions of the code can be
compared: every completed assessment's results page (fi and en), the admin's CSV and XLSX
exports of all assessments, and the text of a few PDF reports.

    DATABASE_URL=sqlite:////tmp/cx-snap.sqlite3 python scripts/snapshot_views.py --seed OUT

--seed migrates an empty database, loads the questionnaire and adds seeded demo data first.
Run it once on the old code with --seed, then copy the database, migrate it with the new code
and run it again without --seed; `diff -r` the two folders. Per-request noise (CSRF tokens,
the cache-busting query of static files) is taken out; everything else must be identical.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

PDF_SAMPLE = 4
NOISE = [
    (
        re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'),
        'name="csrfmiddlewaretoken" value=""',
    ),
    (re.compile(r'<meta name="csrf-token" content="[^"]+">'), ""),
]


def _check(response, url: str) -> None:
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", action="store_true", help="prepare the database first")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxmaturity.settings")
    os.environ.setdefault("SECRET_KEY", "snapshot-only-not-a-secret")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ["HTTPS"] = "0"
    os.environ["STATIC_MANIFEST"] = "0"
    os.environ.setdefault("RATELIMIT_ENABLE", "0")
    os.environ.setdefault("MEDIA_ROOT", str(args.out / "media"))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from assessments.models import Assessment

    if args.seed:
        call_command("migrate", verbosity=0)
        call_command("load_questionnaire", verbosity=0)
        call_command("seed_demo", count=40, abandoned=5, seed=7, verbosity=0)
    args.out.mkdir(parents=True, exist_ok=True)

    def clean(html: bytes) -> str:
        text = html.decode()
        for pattern, replacement in NOISE:
            text = pattern.sub(replacement, text)
        return text

    client = Client()
    completed = list(Assessment.objects.completed().order_by("pk"))
    for assessment in completed:
        for prefix in ("", "/en"):
            with translation.override("fi"):
                path = reverse("assessments:results", kwargs={"token": assessment.token})
            url = prefix + path
            response = client.get(url)
            _check(response, url)
            name = f"results-{assessment.pk}-{prefix.strip('/') or 'fi'}.html"
            (args.out / name).write_text(clean(response.content))

    user_model = get_user_model()
    admin = user_model.objects.filter(username="snapshot").first()
    if admin is None:
        admin = user_model.objects.create_superuser("snapshot", "", None)
    client.force_login(admin)
    for file_format in ("csv", "xlsx"):
        with translation.override("fi"):
            url = reverse("admin:assessments_assessment_export", args=[file_format])
        response = client.get(url + "?o=1.2")
        _check(response, url)
        if file_format == "csv":
            (args.out / "export.csv").write_bytes(response.content)
        else:
            import tablib

            rows = tablib.Dataset().load(io.BytesIO(response.content), format="xlsx")
            (args.out / "export-xlsx.csv").write_text(rows.export("csv"))

    from pypdf import PdfReader

    for assessment in completed[:PDF_SAMPLE]:
        url = f"/en/consultant/assessments/{assessment.pk}/report.pdf"
        response = client.get(url)
        _check(response, url)
        reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
        text = "\n".join(page.extract_text() for page in reader.pages)
        (args.out / f"report-{assessment.pk}-en.txt").write_text(text)
    print(f"{len(completed)} results pages (fi, en), 2 exports, {PDF_SAMPLE} reports in {args.out}")


if __name__ == "__main__":
    main()
