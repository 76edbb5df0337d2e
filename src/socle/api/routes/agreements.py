"""``/api/v1/agreements``: data-sharing agreements, partners' deliveries, and the board.

An agreement exists only for those who follow it: the owning organization's admin, data
officer and stewards, the members of the partner organization, and superadmins.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.datastructures import UploadFile

from socle.api.deps import InstanceDep, PrincipalDep
from socle.api.uploads import save_upload
from socle.core.agreement_views import agreement_view, delivery_view, obligation_view
from socle.core.agreements import get_agreement, visible_agreements
from socle.core.deliveries import (
    MAX_DELIVERY_BYTES,
    board,
    check_deliverer,
    deliver,
    obligations_for,
)
from socle.errors import InputError, LimitExceededError, UnauthorizedError

router = APIRouter(tags=["conventions"])
# Room for the multipart envelope around the file.
ENVELOPE = 64 * 1024


@router.get("/agreements")
def agreements(instance: InstanceDep, principal: PrincipalDep) -> dict[str, Any]:
    """The agreements the caller follows (as the owner's manager or the partner's member)."""
    found = visible_agreements(instance, principal)
    return {"total_count": len(found), "results": [agreement_view(a, principal) for a in found]}


@router.get("/agreements/{slug}")
def agreement(slug: str, instance: InstanceDep, principal: PrincipalDep) -> dict[str, Any]:
    """An agreement: clauses, covered datasets, the partner's obligations and where they stand."""
    found = get_agreement(instance, principal, slug)
    return agreement_view(found, principal, obligations_for(instance, found))


@router.post("/agreements/{slug}/obligations/{obligation_id}/deliveries", status_code=201)
async def new_delivery(
    slug: str,
    obligation_id: str,
    request: Request,
    instance: InstanceDep,
    principal: PrincipalDep,
) -> JSONResponse:
    """Deliver a file (multipart field ``file``) for an obligation: a new version of its
    dataset, validated against its schema. Members of the partner organization only, with
    an API token (a session cookie alone could be replayed by another site's form)."""
    if principal.token is None:
        raise UnauthorizedError(
            "Livrer par l'API demande un jeton d'API (Authorization: Bearer …) ; "
            "dans le portail, utilisez le formulaire de la convention"
        )
    check_deliverer(instance, principal, slug, obligation_id)  # before reading the upload
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_DELIVERY_BYTES + ENVELOPE:
        raise LimitExceededError(f"Fichier trop volumineux : {MAX_DELIVERY_BYTES >> 20} Mo au plus")
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise InputError("Envoyez le fichier en multipart/form-data, dans le champ « file »")
    form = await request.form(max_files=1, max_fields=5)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InputError("Champ « file » manquant : joignez le fichier livré")
        with tempfile.TemporaryDirectory(prefix="socle-delivery-") as folder:
            path = await save_upload(upload, Path(folder), MAX_DELIVERY_BYTES)
            delivery, _ = deliver(instance, principal, slug, obligation_id, path)
    finally:
        await form.close()
    return JSONResponse(delivery_view(delivery), status_code=201)


@router.get("/organizations/{slug}/deliveries")
def deliveries_board(slug: str, instance: InstanceDep, principal: PrincipalDep) -> dict[str, Any]:
    """The organization's board of deliveries: per obligation, on time, late, invalid,
    missing or pending. For its admin, data officer and stewards only."""
    rows = board(instance, principal, slug)
    return {"total_count": len(rows), "results": [obligation_view(r) for r in rows]}
