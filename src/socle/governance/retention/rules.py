"""A dataset's retention rule, as declared in its metadata, and setting or clearing it.

``period`` is an ISO 8601 duration; ``date_column`` names a date or timestamp column for
row-level retention (rows dated before now − period expire). Without one, whole versions
older than the period expire, the newest always kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from socle.errors import InputError
from socle.governance.retention.durations import Period


class RetentionRule(BaseModel):
    """What a user declares (metadata file, CLI, API)."""

    model_config = ConfigDict(extra="forbid")

    period: str
    date_column: str | None = None

    @field_validator("period")
    @classmethod
    def _period(cls, value: str) -> str:
        try:
            return Period.parse(value).text
        except InputError as exc:
            raise ValueError(exc.message) from exc

    @field_validator("date_column")
    @classmethod
    def _date_column(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            return None
        return value.strip() if value else value


@dataclass(frozen=True)
class Rule:
    """A stored rule, parsed."""

    period: Period
    date_column: str | None

    @classmethod
    def of(cls, stored: dict[str, Any] | None) -> Rule | None:
        if not stored or not stored.get("period"):
            return None
        return cls(Period.parse(stored["period"]), stored.get("date_column"))

    @property
    def row_level(self) -> bool:
        return self.date_column is not None
