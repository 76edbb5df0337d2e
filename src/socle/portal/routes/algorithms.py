"""``/algorithmes``: the public register of algorithms, one page per entry.

The same views as the API (governance.algorithms.views): a keeper signed in also sees the
drafts of their organization, marked as such.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from socle.governance import algorithms
from socle.portal.rendering import render
from socle.portal.routes._deps import InstanceDep, PrincipalDep

router = APIRouter()


@router.get("/algorithmes", response_class=HTMLResponse)
def algorithms_page(
    request: Request,
    instance: InstanceDep,
    principal: PrincipalDep,
    organisation: Annotated[str | None, Query(max_length=100)] = None,
) -> HTMLResponse:
    """The register; on a shared platform, one organization's entries if asked."""
    entries = algorithms.list_algorithms(instance, principal)
    views = [algorithms.algorithm_view(e, "") for e in entries]
    owners = {v["organization"]["slug"]: v["organization"]["name"] for v in views}
    return render(
        request,
        "algorithms.html",
        section="algorithms",
        entries=[v for v in views if organisation in (None, v["organization"]["slug"])],
        owners=sorted(owners.items(), key=lambda item: item[1].lower()),
        chosen=organisation,
        labels=algorithms.LABELS_FR,
    )


@router.get("/algorithmes/{algorithm}", response_class=HTMLResponse)
def algorithm_page(
    request: Request, algorithm: str, instance: InstanceDep, principal: PrincipalDep
) -> HTMLResponse:
    entry = algorithms.get_algorithm(instance, principal, algorithm)
    return render(
        request,
        "algorithm.html",
        section="algorithms",
        a=algorithms.algorithm_view(entry, ""),
        revisions=algorithms.revisions_view(entry),
        labels=algorithms.LABELS_FR,
    )
