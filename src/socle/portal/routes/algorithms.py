"""``/algorithmes``: the public register of algorithms, one page per entry.

The same views as the API (governance.algorithms.views): a keeper signed in also sees the
drafts of their organization, marked as such.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from socle.governance import algorithms
from socle.portal.rendering import render
from socle.portal.routes._deps import InstanceDep, PrincipalDep

router = APIRouter()


@router.get("/algorithmes", response_class=HTMLResponse)
def algorithms_page(
    request: Request, instance: InstanceDep, principal: PrincipalDep
) -> HTMLResponse:
    entries = algorithms.list_algorithms(instance, principal)
    return render(
        request,
        "algorithms.html",
        section="algorithms",
        entries=[algorithms.algorithm_view(e, "") for e in entries],
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
        fields=algorithms.FIELDS,
        labels=algorithms.LABELS_FR,
    )
