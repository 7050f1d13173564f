from typing import Any

from django.core.management.base import BaseCommand

from assessments.benchmarks.services import distributions_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the stored benchmark distributions from every completed result, e.g. after "
        "changing BENCHMARK_INCLUDE_DEMO or loading results in bulk (seed_demo)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counted = distributions_rebuild()
        self.stdout.write(self.style.SUCCESS(f"Rebuilt the benchmark from {counted} results."))
