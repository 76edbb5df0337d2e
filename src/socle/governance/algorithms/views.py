"""The register as readers get it: one JSON view shared by the API, the portal and the CLI,
and the CSV export (the same fields, one row per entry).

A revision's author is shown to the register's keepers only: it names an agent. The
datasets and processing activities listed are those the entry's reader may see
(``AlgorithmEntry``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from socle.core.views import utc_iso
from socle.governance.algorithms.fields import FIELDS, LABELS_FR
from socle.governance.algorithms.register import AlgorithmEntry
from socle.governance.audit.reading import FORMULA_STARTS
from socle.storage.algorithms import AlgorithmRevision
from socle.storage.register import ProcessingActivity
from socle.storage.tables import Dataset

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
    view["datasets"] = [_dataset_link(d, base) for d in entry.datasets]
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
    """UTF-8 CSV with a BOM and ``;`` (Excel in French), French headers; no cell runs as a
    formula. Lists (parameters, datasets, processing activities) are joined with `` | ``."""
    header = ["Identifiant", "Administration", "Statut", "Date de mise à jour", "Révision"]
    header += [f.label for f in FIELDS] + [LABELS_FR["datasets"], LABELS_FR["processings"]]
    header.append("Fiche")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    yield "\ufeff".encode() + _drain(buffer)
    for view in views:
        cells = [view["slug"], view["organization"]["name"], view["status_label"]]
        cells += [view["updated_at"][:10], view["revision"]]
        for field in FIELDS:
            cells.append(_cell(view, field.name))
        cells.append(" | ".join(f"{d['title']} ({d['page']})" for d in view["datasets"]))
        cells.append(" | ".join(f"{p['name']} ({p['page']})" for p in view["processings"]))
        cells.append(view["page"])
        writer.writerow([_safe(c) for c in cells])
        yield _drain(buffer)


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


def _dataset_link(dataset: Dataset, base: str) -> dict[str, str]:
    return {
        "slug": dataset.slug,
        "title": dataset.title,
        "page": f"{base}/jeux-de-donnees/{dataset.slug}",
        "api": f"{base}/api/v1/datasets/{dataset.slug}",
    }


def _processing_link(activity: ProcessingActivity, base: str) -> dict[str, str]:
    return {
        "slug": activity.slug,
        "name": activity.name,
        "reference": activity.reference,
        "page": f"{base}/registre/{activity.slug}",
        "api": f"{base}/api/v1/register/{activity.slug}",
    }


def _safe(cell: Any) -> Any:
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return "" if cell is None else cell


def _drain(buffer: io.StringIO) -> bytes:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text.encode("utf-8")
