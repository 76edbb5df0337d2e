"""The register as readers get it: one JSON view shared by the API, the portal and the CLI,
and the CSV export (the same fields, one row per entry).

A revision's author is shown to the register's keepers only: it names an agent. The
datasets and processing activities listed are those the entry's reader may see
(``AlgorithmEntry``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from socle.core.csvexport import spreadsheet_csv
from socle.core.views import dataset_link, utc_iso
from socle.governance.algorithms.fields import FIELDS, LABELS_FR
from socle.governance.algorithms.register import AlgorithmEntry
from socle.storage.algorithms import AlgorithmRevision
from socle.storage.register import ProcessingActivity

LABELLED = ("automation", "decision_scope", "kind")  # coded values with a French label


def algorithm_view(entry: AlgorithmEntry, base: str) -> dict[str, Any]:
    algorithm = entry.algorithm
    org = algorithm.organization
    view: dict[str, Any] = {
        "slug": algorithm.slug,
        "status": algorithm.status,
        "status_label": LABELS_FR[algorithm.status],
        "organization": {"slug": org.slug, "name": org.name},
    }
    view.update({f.name: getattr(algorithm, f.name) for f in FIELDS})
    for name in LABELLED:
        view[f"{name}_label"] = LABELS_FR.get(view[name] or "")
    view["parameters"] = [dict(p) for p in algorithm.parameters or []]
    view["datasets"] = [dataset_link(d, base) for d in entry.datasets]
    view["processings"] = [_processing_link(p, base) for p in entry.processings]
    view.update(
        {
            "revision": algorithm.revision,
            "updated_at": utc_iso(algorithm.updated_at),
            "published_at": utc_iso(algorithm.published_at) if algorithm.published_at else None,
            "page": f"{base}/algorithmes/{algorithm.slug}",
            "api": f"{base}/api/v1/algorithms/{algorithm.slug}",
        }
    )
    return view


def revisions_view(entry: AlgorithmEntry) -> list[dict[str, Any]]:
    """The history, newest first: number, date, what happened and which fields changed."""
    return [_revision_view(r, entry.keeper) for r in reversed(entry.algorithm.revisions)]


def csv_chunks(views: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """CSV for French spreadsheets (see :mod:`socle.core.csvexport`), French headers, a chunk
    per entry. Lists (parameters, datasets, processing activities) are joined with `` | ``."""
    header = ["Identifiant", "Administration", "Statut", "Date de mise à jour", "Révision"]
    header += [f.label for f in FIELDS] + [LABELS_FR["datasets"], LABELS_FR["processings"]]
    header.append("Fiche")
    return spreadsheet_csv(header, (_row(view) for view in views))


def _row(view: dict[str, Any]) -> list[Any]:
    cells = [view["slug"], view["organization"]["name"], view["status_label"]]
    cells += [view["updated_at"][:10], view["revision"]]
    cells += [_cell(view, field.name) for field in FIELDS]
    cells.append(" | ".join(f"{d['title']} ({d['page']})" for d in view["datasets"]))
    cells.append(" | ".join(f"{p['name']} ({p['page']})" for p in view["processings"]))
    cells.append(view["page"])
    return cells


def _cell(view: dict[str, Any], name: str) -> Any:
    if name in LABELLED:
        return view[f"{name}_label"]
    if name == "parameters":
        return " | ".join(parameter_text(p) for p in view["parameters"])
    return view[name]


def parameter_text(parameter: dict[str, str]) -> str:
    text = parameter["name"]
    if parameter.get("weight"):
        text += f" : {parameter['weight']}"
    if parameter.get("description"):
        text += f" ({parameter['description']})"
    return text


def _revision_view(revision: AlgorithmRevision, keeper: bool) -> dict[str, Any]:
    view: dict[str, Any] = {
        "number": revision.number,
        "at": utc_iso(revision.created_at),
        "event": revision.event,
        "changes": list(revision.changes),
        "changes_labels": [LABELS_FR.get(c, c) for c in revision.changes if c != "status"],
    }
    if keeper:
        view["author"] = revision.author
    return view


def _processing_link(activity: ProcessingActivity, base: str) -> dict[str, str]:
    return {
        "slug": activity.slug,
        "name": activity.name,
        "reference": activity.reference,
        "page": f"{base}/registre/{activity.slug}",
        "api": f"{base}/api/v1/register/{activity.slug}",
    }
