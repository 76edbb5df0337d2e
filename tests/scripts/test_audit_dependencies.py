"""scripts/audit_dependencies.py: a vulnerability fails, an unreachable service is said."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit_dependencies.py"


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CLEAN = {"name": "duckdb", "version": "1.2.0", "vulns": []}
SKIPPED = {"name": "rich", "skip_reason": "Dependency not found on PyPI"}


def test_a_vulnerable_dependency_fails() -> None:
    vulnerable = {
        "name": "jinja2",
        "version": "3.1.2",
        "vulns": [{"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"]}],
    }
    code, lines = load().verdict({"dependencies": [CLEAN, vulnerable, SKIPPED]}, False)
    assert code == 1
    assert lines == ["jinja2 3.1.2: GHSA-h5c8-rqwp-cp95 (fixed in 3.1.3)"]


def test_clean_passes() -> None:
    code, lines = load().verdict({"dependencies": [CLEAN, SKIPPED]}, True)
    assert code == 0 and "1 packages audited" in lines[0]


def test_nothing_audited_is_said_and_fails_when_strict() -> None:
    script = load()
    code, lines = script.verdict({"dependencies": [SKIPPED, SKIPPED]}, False)
    assert code == 0 and "NOT AUDITED" in lines[0]
    assert script.verdict({"dependencies": [SKIPPED]}, True)[0] == 1
