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
    audited = [d for d in report["dependencies"] if "skip_reason" not in d]
    vulnerable = [d for d in audited if d["vulns"]]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln["fix_versions"]) or "no fix yet"
            print(f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixed})")
    if vulnerable:
        return 1
    if not audited:
        print(
            "pip-audit: NOT AUDITED - the vulnerability service could not be reached, every "
            f"package was skipped ({len(report['dependencies'])})",
            file=sys.stderr,
        )
        return 1 if strict else 0
    print(f"pip-audit: {len(audited)} packages audited, no known vulnerability")
    return 0


if __name__ == "__main__":
    sys.exit(main(strict="--strict" in sys.argv[1:]))
