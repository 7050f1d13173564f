"""Benchmarks and load tests (`make bench`, `make bench-pdf`, `make bench-admin`, `make loadtest`).

A package so that gunicorn can load the bench-only settings (`bench.settings`) that `make bench`
selects through its own environment; nothing in the app imports it.
"""

# The bench-only bare view's address (bench/urls.py), also what bench/bench.py times.
BARE_PATH = "/__bench__/bare"
