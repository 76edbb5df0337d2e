"""``/journal``: the audit log in the portal, for those who may read it (404 for everyone
else): superadmins see all of it, an organization's DPO and administrators the entries about
its datasets (governance.audit.reading.scope). Filters as in the API; CSV for a spreadsheet.
"""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from socle.api.routes import audit as api_audit
from socle.api.routes.audit import audit_filters
from socle.governance import audit
from socle.portal.pagination import paginate
from socle.portal.rendering import NO_STORE, render
from socle.portal.routes._deps import InstanceDep, PrincipalDep

router = APIRouter()
PAGE = "/journal"
PAGE_SIZE = 50
Filters = Annotated[audit.AuditFilters, Depends(audit_filters)]
FILTER_NAMES = ("dataset", "actor", "action", "since", "until", "result")


@router.get(PAGE, response_class=HTMLResponse)
def audit_page(
    request: Request,
    instance: InstanceDep,
    principal: PrincipalDep,
    filters: Filters,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> HTMLResponse:
    found = audit.search(instance.db, principal, filters, page=page, page_size=PAGE_SIZE)
    params = {k: v for k in FILTER_NAMES if (v := request.query_params.get(k))}
    return render(
        request,
        "audit.html",
        headers=NO_STORE,
        total=found.total_count,
        entries=[audit.entry_view(e) for e in found.entries],
        params=params,
        pagination=paginate(page, max(1, math.ceil(found.total_count / PAGE_SIZE))),
    )


# The CSV is the API's (same filters, same part of the log), at the portal's address so that
# a signed-in person downloads it with their session.
router.get(PAGE + ".csv")(api_audit.audit_csv)
