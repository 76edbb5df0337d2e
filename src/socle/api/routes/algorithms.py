"""``/api/v1/algorithms``: the algorithm transparency register, read-only.

Published entries for everyone, drafts for their organization's keepers; the exports hold
published entries only. The datasets an entry cites go through the policy.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from socle.api.deps import BaseUrl, InstanceDep, PrincipalDep
from socle.api.problems import csv_success
from socle.governance import algorithms
from socle.governance.policy import Principal
from socle.instance import Instance

router = APIRouter(tags=["registre des algorithmes"])
Organization = Annotated[
    str | None, Query(max_length=100, description="Seulement cette organisation (identifiant)")
]


@router.get("/algorithms")
def algorithm_list(
    instance: InstanceDep,
    principal: PrincipalDep,
    base: BaseUrl,
    organization: Organization = None,
    status: Literal["draft", "published"] | None = None,
) -> dict[str, Any]:
    """Published entries, and the drafts of the registers the caller keeps."""
    entries = algorithms.list_algorithms(
        instance, principal, organization=organization, status=status
    )
    return {
        "total_count": len(entries),
        "results": [algorithms.algorithm_view(e, base) for e in entries],
    }


@router.get("/algorithms.json")
def algorithm_export_json(
    instance: InstanceDep, principal: PrincipalDep, base: BaseUrl, organization: Organization = None
) -> dict[str, Any]:
    """The published register, every field (the JSON twin of the CSV)."""
    views = _published(instance, principal, base, organization)
    return {"total_count": len(views), "results": views}


@router.get("/algorithms.csv", responses=csv_success("Le registre publié, en CSV"))
def algorithm_export_csv(
    instance: InstanceDep, principal: PrincipalDep, base: BaseUrl, organization: Organization = None
) -> StreamingResponse:
    """The published register as CSV (UTF-8 with BOM, ``;``) for a spreadsheet."""
    views = _published(instance, principal, base, organization)
    headers = {"Content-Disposition": 'attachment; filename="registre-algorithmes.csv"'}
    return StreamingResponse(
        algorithms.csv_chunks(views), media_type="text/csv; charset=utf-8", headers=headers
    )


@router.get("/algorithms/{algorithm}")
def algorithm_detail(
    algorithm: str, instance: InstanceDep, principal: PrincipalDep, base: BaseUrl
) -> dict[str, Any]:
    return algorithms.algorithm_view(algorithms.get_algorithm(instance, principal, algorithm), base)


@router.get("/algorithms/{algorithm}/revisions")
def algorithm_revisions(
    algorithm: str, instance: InstanceDep, principal: PrincipalDep
) -> dict[str, Any]:
    """The entry's numbered revisions, newest first (authors for the keepers only)."""
    entry = algorithms.get_algorithm(instance, principal, algorithm)
    revisions = algorithms.revisions_view(entry)
    return {"total_count": len(revisions), "results": revisions}


def _published(
    instance: Instance, principal: Principal, base: str, organization: str | None
) -> list[dict[str, Any]]:
    entries = algorithms.list_algorithms(
        instance, principal, organization=organization, status=algorithms.PUBLISHED
    )
    return [algorithms.algorithm_view(e, base) for e in entries]
