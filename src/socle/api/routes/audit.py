"""``/api/v1/audit``: the audit log for those who may read it (404 for everyone else)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from socle.api.deps import InstanceDep, PrincipalDep
from socle.api.problems import csv_success
from socle.governance import audit

router = APIRouter(tags=["journal d'audit"])
DATE_HELP = "AAAA-MM-JJ (jour inclus) ou date et heure ISO 8601, en UTC par défaut"


def audit_filters(
    dataset: Annotated[str | None, Query(max_length=100, description="Jeu de données")] = None,
    actor: Annotated[str | None, Query(max_length=200, description="Qui")] = None,
    action: Annotated[str | None, Query(max_length=50, description="ex. read/records")] = None,
    since: Annotated[str | None, Query(max_length=40, description=f"Depuis : {DATE_HELP}")] = None,
    until: Annotated[str | None, Query(max_length=40, description=f"Jusqu'à : {DATE_HELP}")] = None,
    result: Literal["allowed", "denied"] | None = None,
) -> audit.AuditFilters:
    return audit.AuditFilters.parse(
        dataset=dataset, actor=actor, action=action, since=since, until=until, result=result
    )


Filters = Annotated[audit.AuditFilters, Depends(audit_filters)]


@router.get("/audit")
def audit_log(
    instance: InstanceDep,
    principal: PrincipalDep,
    filters: Filters,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=audit.MAX_PAGE_SIZE)] = 50,
) -> dict[str, Any]:
    """Entries of the log, newest first."""
    found = audit.search(instance.db, principal, filters, page=page, page_size=page_size)
    return {
        "total_count": found.total_count,
        "results": [audit.entry_view(e) for e in found.entries],
    }


@router.get("/audit.csv", responses=csv_success("Les entrées, en CSV"))
def audit_csv(
    instance: InstanceDep, principal: PrincipalDep, filters: Filters
) -> StreamingResponse:
    """The same entries as CSV (UTF-8 with BOM, ``;``) for a spreadsheet."""
    rows = audit.entries(instance.db, principal, filters)
    headers = {"Content-Disposition": 'attachment; filename="journal-audit.csv"'}
    return StreamingResponse(
        audit.csv_chunks(rows), media_type="text/csv; charset=utf-8", headers=headers
    )
