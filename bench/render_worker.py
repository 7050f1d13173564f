"""A PDF render worker's memory over N renders, for `make bench` (`python -m bench.render_worker`).

A fresh process, like a gunicorn worker after a deploy, with the bench's own settings and
database (from the environment bench/bench.py gives it): it renders the same completed
assessment's report N times, uncached (`assessments.report.pdf.render_report_pdf`, what a cache
miss runs), and reads its resident memory (VmRSS) after every render. The growth is counted from
the first render on: what the first render loads once (fonts, the stylesheet, templates) is a
worker's fixed cost, not growth. Below 1,000 renders, the growth over 1,000 is what was measured
plus the steady rate (the slope over the second half of the renders) for the rest. Prints one
JSON line for bench/bench.py.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time

MARK = "BENCH-JSON "
MEMORY_RENDERS = 1000  # the target's count


def rss_bytes() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assessment", type=int, required=True)
    parser.add_argument("--renders", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

    import django

    django.setup()
    from assessments.models import Assessment
    from assessments.report import pdf

    assessment = Assessment.objects.get(pk=args.assessment)
    before = rss_bytes()
    samples = []
    seconds = []
    step = max(1, args.renders // 10)
    for number in range(1, args.renders + 1):
        started = time.perf_counter()
        pdf.render_report_pdf(assessment, assessment.language or "fi")
        seconds.append(time.perf_counter() - started)
        samples.append(rss_bytes())
        if number % step == 0:
            print(
                f"    {number}/{args.renders} renders: RSS {samples[-1] / 2**20:.1f} MiB",
                file=sys.stderr,
                flush=True,
            )
    # The steady rate: the least-squares slope of RSS over the second half of the renders
    # (steadier than two single readings, and past the one-off growth of the first few).
    half = samples[len(samples) // 2 :]
    slope = statistics.linear_regression(range(len(half)), half).slope if len(half) > 1 else 0.0
    growth = samples[-1] - samples[0]
    # Over renders 1..1,000: measured as far as it was, the steady rate beyond.
    if len(samples) >= MEMORY_RENDERS:
        projected = samples[MEMORY_RENDERS - 1] - samples[0]
    else:
        projected = growth + slope * (MEMORY_RENDERS - len(samples))
    figures = {
        "renders": args.renders,
        "rss_before": before,
        "rss_first": samples[0],
        "rss_last": samples[-1],
        "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "growth": growth,
        "per_render": slope,
        "projected_1000": projected,
        "first_render_s": seconds[0],
        "median_render_s": statistics.median(seconds[1:] or seconds),
    }
    print(MARK + json.dumps(figures), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
