"""Known vulnerabilities of the installed environment, with pip-audit, for .ci/run.

pip-audit asks PyPI's vulnerability data over the network. A vulnerable dependency fails
the run. When the service cannot be reached, pip-audit skips every package and would say
"No known vulnerabilities found": this script says instead, loudly, that nothing was
audited (and fails with --strict), rather than passing a check that could not run.

bandit's B404/B603 are silenced: the only subprocess is pip-audit, fixed arguments, no shell.
"""

from __future__ import annotations

import json
import subprocess  # nosec B404
import sys
from typing import Any


def verdict(report: dict[str, Any], strict: bool) -> tuple[int, list[str]]:
    """The exit code and the lines to print for pip-audit's JSON report."""
    audited = [d for d in report["dependencies"] if "skip_reason" not in d]
    lines = [
        f"{dep['name']} {dep['version']}: {vuln['id']} "
        f"(fixed in {', '.join(vuln['fix_versions']) or 'no version yet'})"
        for dep in audited
        for vuln in dep["vulns"]
    ]
    if lines:
        return 1, lines
    if not audited:
        skipped = len(report["dependencies"])
        return (1 if strict else 0), [
            "pip-audit: NOT AUDITED - the vulnerability service could not be reached, "
            f"every package was skipped ({skipped})"
        ]
    return 0, [f"pip-audit: {len(audited)} packages audited, no known vulnerability"]


def main(strict: bool) -> int:
    run = subprocess.run(  # nosec B603
        [
            sys.executable,
            "-m",
            "pip_audit",
            "--skip-editable",
            "-f",
            "json",
            "--progress-spinner",
            "off",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        print(run.stderr or run.stdout, file=sys.stderr)
        return 2
    code, lines = verdict(report, strict)
    print("\n".join(lines), file=sys.stderr if code else sys.stdout)
    return code


if __name__ == "__main__":
    sys.exit(main(strict="--strict" in sys.argv[1:]))
