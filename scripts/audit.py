"""`make audit`: known vulnerabilities in the locked dependencies (pip-audit).

A known vulnerability fails (exit 1). When the vulnerability service cannot be reached, or cannot
vouch for the packages, that is said plainly and the audit does not fail: it proves nothing either
way, and CI must not turn red because a service outside the project is down.
"""

from __future__ import annotations

import json
import subprocess  # nosec B404
import sys
import tempfile
from pathlib import Path

LOCK = Path(__file__).resolve().parent.parent / "requirements.lock"
SERVICES = ("osv", "pypi")


def classify(report: str) -> tuple[str, list[dict], int]:
    """('vulnerable' | 'clean' | 'unreachable', the vulnerable dependencies, how many audited)."""
    try:
        dependencies = json.loads(report or "{}").get("dependencies", [])
    except json.JSONDecodeError:
        dependencies = []
    audited = [d for d in dependencies if "skip_reason" not in d]
    if not audited:
        return "unreachable", [], 0
    vulnerable = [d for d in audited if d.get("vulns")]
    return ("vulnerable" if vulnerable else "clean"), vulnerable, len(audited)


def audit(service: str) -> tuple[str, list[dict], int, str]:
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        # Fixed arguments and our own lock file: no untrusted input reaches the command.
        run = subprocess.run(  # noqa: S603  # nosec B603
            [
                sys.executable,
                "-m",
                "pip_audit",
                "-r",
                str(LOCK),
                "--no-deps",
                "--disable-pip",
                "-s",
                service,
                "-f",
                "json",
                "-o",
                report.name,
                "--progress-spinner",
                "off",
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        text = Path(report.name).read_text()
    state, vulnerable, count = classify(text)
    last_words = (run.stderr.strip().splitlines() or ["no answer"])[-1]
    return state, vulnerable, count, last_words


def main() -> int:
    for service in SERVICES:
        state, vulnerable, count, last_words = audit(service)
        if state == "vulnerable":
            for dependency in vulnerable:
                ids = ", ".join(v["id"] for v in dependency["vulns"])
                print(f"VULNERABLE: {dependency['name']} {dependency['version']}: {ids}")
            print(f"make audit: known vulnerabilities found (service: {service}).")
            return 1
        if state == "clean":
            print(f"make audit: {count} locked dependencies, no known vulnerability ({service}).")
            return 0
        print(
            f"make audit: the vulnerability service '{service}' could not be reached or "
            f"could not vouch for the locked packages ({last_words[:160]})."
        )
    print(
        "make audit: NOT AUDITED — no vulnerability service answered; this is not a pass. "
        "Run `make audit` again where one can be reached."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
