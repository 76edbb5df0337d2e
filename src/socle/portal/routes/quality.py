"""``/jeux-de-donnees/{slug}/qualite``: a version's score, validation report and profile."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from socle.core.quality import quality_view
from socle.core.tableschema import field_types
from socle.core.versions import MAX_VERSION
from socle.portal.rendering import render
from socle.portal.routes._dataset import dataset_context
from socle.portal.routes._deps import BaseUrl, InstanceDep, PrincipalDep
from socle.sql import literal

router = APIRouter()
EXAMPLES_PER_GROUP = 5


@router.get("/jeux-de-donnees/{slug}/qualite", response_class=HTMLResponse)
def quality_page(
    request: Request,
    slug: str,
    instance: InstanceDep,
    principal: PrincipalDep,
    base: BaseUrl,
    version: Annotated[int | None, Query(ge=1, le=MAX_VERSION)] = None,
) -> HTMLResponse:
    context = dataset_context(instance, principal, base, slug)
    quality = quality_view(instance, principal, slug, version)
    stored_types = field_types(context["d"]["schema"] or {})
    return render(
        request,
        "quality.html",
        tab="qualite",
        q_=quality,
        groups=error_groups(quality["report"], stored_types) if quality["report"] else [],
        **context,
    )


def error_groups(report: dict[str, Any], stored_types: dict[str, str]) -> list[dict[str, Any]]:
    """Errors by field then type, with their full count, first examples and a preview filter.

    The filter finds the rows holding the faulty value in the stored data, where the column
    kept its text (a value stored typed was converted and cannot be searched as written).
    """
    counts: dict[str, dict[str, int]] = report["socle"]["countsByField"]
    examples: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for error in report["tasks"][0]["errors"]:
        examples[(error.get("fieldName") or "", error["type"])].append(error)
    # What no field accounts for is about rows or the header (blank row, duplicate row...).
    table_counts = {
        kind: rest
        for kind, n in report["socle"]["counts"].items()
        if (rest := n - sum(by_type.get(kind, 0) for by_type in counts.values())) > 0
    }
    groups = []
    for field, by_type in [*counts.items(), *([("", table_counts)] if table_counts else [])]:
        for kind, n in sorted(by_type.items(), key=lambda kv: -kv[1]):
            first = examples.get((field, kind), [])[:EXAMPLES_PER_GROUP]
            groups.append(
                {
                    "field": field,
                    "type": kind,
                    "count": n,
                    "title": first[0]["title"] if first else kind,
                    "examples": first,
                    "where": _filter(field, first, stored_types),
                }
            )
    return groups


def _filter(field: str, examples: list[dict[str, Any]], stored_types: dict[str, str]) -> str | None:
    if not field or stored_types.get(field) != "string" or not examples:
        return None
    values = sorted({e.get("cell") or "" for e in examples})
    name = "`" + field.replace("`", "") + "`"
    parts = [f"{name} is null" if v == "" else f"{name} = {literal(v)}" for v in values]
    return " or ".join(parts)
