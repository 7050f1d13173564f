"""`make audit` tells a vulnerable lock from an unanswered service."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from audit import classify  # noqa: E402


def report(*dependencies):
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


def test_a_known_vulnerability_is_vulnerable():
    state, vulnerable, count = classify(
        report(
            {
                "name": "django",
                "version": "5.2.0",
                "vulns": [{"id": "PYSEC-1", "fix_versions": []}],
            },
            {"name": "redis", "version": "6.4.0", "vulns": []},
        )
    )
    assert (state, [d["name"] for d in vulnerable], count) == ("vulnerable", ["django"], 2)


def test_no_vulnerability_is_clean():
    assert classify(report({"name": "redis", "version": "6.4.0", "vulns": []}))[0] == "clean"


def test_a_service_that_vouches_for_nothing_is_unreachable_not_clean():
    skipped = {"name": "redis", "version": "6.4.0", "skip_reason": "Dependency not found on PyPI"}
    assert classify(report(skipped))[0] == "unreachable"
    assert classify("")[0] == "unreachable"
    assert classify("not json")[0] == "unreachable"
