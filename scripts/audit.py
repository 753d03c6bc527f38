"""Checks requirements.lock for known vulnerabilities with pip-audit (``make audit``).

Runs in the tools virtualenv. Writes ``results/audit.json`` (pip-audit's
report) and prints a summary. Exit codes: 0 when nothing vulnerable was found
(including when the advisory source could not be reached: the summary says
so, with how many packages went unchecked), 1 when a pinned package has a
known vulnerability, 2 when pip-audit itself failed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LOCK = REPO / "requirements.lock"
REPORT = REPO / "results" / "audit.json"


def main() -> int:
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    command = [
        str(Path(sys.executable).with_name("pip-audit")),
        "--requirement",
        str(LOCK),
        "--no-deps",
        "--disable-pip",  # the lock is complete and pinned
        "--progress-spinner",
        "off",
        "--format",
        "json",
        "--output",
        str(REPORT),
    ]
    run = subprocess.run(command, capture_output=True, text=True, check=False)
    if not REPORT.is_file() or run.returncode not in (0, 1):
        print(f"pip-audit failed (exit {run.returncode}):\n{run.stderr.strip()}", file=sys.stderr)
        return 2
    dependencies = json.loads(REPORT.read_text(encoding="utf-8"))["dependencies"]
    vulnerable = [dep for dep in dependencies if dep.get("vulns")]
    unchecked = [dep for dep in dependencies if dep.get("skip_reason")]
    checked = len(dependencies) - len(unchecked)
    for dep in vulnerable:
        ids = ", ".join(
            f"{vuln['id']} (fixed in {', '.join(vuln.get('fix_versions') or ['-'])})" for vuln in dep["vulns"]
        )
        print(f"VULNERABLE {dep['name']}=={dep['version']}: {ids}")
    print(f"pip-audit: {checked} of {len(dependencies)} pinned packages checked, {len(vulnerable)} vulnerable")
    if unchecked:
        print(
            f"  {len(unchecked)} could not be checked: the advisory source (PyPI's JSON API) did not answer "
            f"for them, e.g. {unchecked[0]['name']}: {unchecked[0]['skip_reason']}"
        )
    if checked == 0:
        print("WARNING: no package could be checked: this run says nothing about vulnerabilities (unchecked)")
    print(f"  report: {REPORT.relative_to(REPO)}")
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
