"""The register's printable page outside a request (``socle register export --format html``):
the portal's print template in French, its stylesheet inlined so the file stands alone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from socle.portal.templating import make_environment

PRINT_CSS = Path(__file__).parent / "static" / "register-print.css"


def printable(register: dict[str, Any], instance_name: str) -> str:
    template = make_environment("fr").get_template("register_print.html")
    return template.render(
        register=register,
        instance_name=instance_name,
        css=PRINT_CSS.read_text(encoding="utf-8"),
        printed_on=datetime.now(UTC).date(),
    )
