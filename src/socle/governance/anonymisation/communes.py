"""Coordinates to communes: a point-in-polygon against a communes layer of the instance.

The layer is a dataset whose version holds the communes' outlines (a ``geojson`` field) and
their INSEE code. Points and outlines meet in shapely's vectorised STRtree (one call for all
rows, no Python loop per row); the codes come back into DuckDB as one Arrow column joined
on the row number. A point in no commune gets NULL, counted in the report.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa
import shapely

from socle.core import versions
from socle.errors import InputError, NotFoundError
from socle.governance.anonymisation.recipe import CommunesLayer, GeneraliseCoordinates
from socle.governance.anonymisation.steps import NUMERIC, Columns
from socle.governance.audit import AuditEvent
from socle.governance.policy import Principal
from socle.instance import Instance
from socle.sql import identifier, parquet_source

ROW = "__socle_row"


@dataclass(frozen=True)
class Outlines:
    """The communes' codes and outlines, loaded once per run."""

    dataset: str
    version: int
    codes: np.ndarray
    tree: shapely.STRtree


def load_outlines(instance: Instance, principal: Principal, layer: CommunesLayer) -> Outlines:
    """The layer's outlines, or InputError saying that only the grid is available."""
    try:
        version = versions.get_version(
            instance, principal, layer.dataset, audit=AuditEvent(instance.db, "read/anonymise")
        )
    except NotFoundError:
        raise InputError(
            f"Aucune couche des communes « {layer.dataset} » dans l'instance : sans elle, "
            "seule la généralisation en grille (to: grid, size: mètres) est possible"
        ) from None
    fields = {f["name"]: f.get("type") for f in version.table_schema.get("fields", [])}
    geometry = layer.geometry or next((n for n, t in fields.items() if t == "geojson"), None)
    for name in (layer.code, geometry):
        if name is None or name not in fields:
            raise InputError(
                f"Couche des communes « {layer.dataset} » : colonne « {name or 'géométrie'} » "
                f"absente ; colonnes : {', '.join(fields)}"
            )
    source = parquet_source(versions.data_paths(instance, version))
    with duckdb.connect() as con:
        rows = con.execute(
            f"SELECT CAST({identifier(layer.code)} AS VARCHAR), {identifier(str(geometry))} "  # noqa: S608
            f"FROM {source} WHERE {identifier(str(geometry))} IS NOT NULL"
        ).fetchall()
    if not rows:
        raise InputError(f"Couche des communes « {layer.dataset} » : aucun contour")
    codes = np.array([code for code, _ in rows], dtype=object)
    shapes = shapely.from_geojson([text for _, text in rows], on_invalid="ignore")
    return Outlines(layer.dataset, version.number, codes, shapely.STRtree(shapes))


def to_communes(
    con: duckdb.DuckDBPyConnection,
    table: str,
    target: str,
    step: GeneraliseCoordinates,
    cols: Columns,
    outlines: Outlines,
) -> dict[str, int | str]:
    """Create ``target`` from ``table``: the coordinates replaced by the commune's code."""
    lat = cols.need(step.latitude, NUMERIC, "un nombre")
    lon = cols.need(step.longitude, NUMERIC, "un nombre")
    if step.into in cols.types and step.into not in (step.latitude, step.longitude):
        raise InputError(f"{cols.where} : la colonne « {step.into} » existe déjà")
    found = con.execute(
        f"SELECT CAST({lon} AS DOUBLE) AS x, CAST({lat} AS DOUBLE) AS y FROM {table} ORDER BY rowid"  # noqa: S608
    ).fetchnumpy()
    x = np.asarray(found["x"], dtype=float)
    y = np.asarray(found["y"], dtype=float)
    points = shapely.points(np.column_stack([x, y]))
    point_index, shape_index = outlines.tree.query(points, predicate="within")
    codes = np.full(len(x), None, dtype=object)
    codes[point_index] = outlines.codes[shape_index]  # a point on a border: one of its communes
    matched = pa.table({ROW: pa.array(np.arange(len(x), dtype=np.int64)), "code": codes.tolist()})
    con.register("socle_commune_codes", matched)
    try:
        kept = [
            f"t.{identifier(n)}" for n in cols.types if n not in (step.latitude, step.longitude)
        ]
        numbered = f"(SELECT *, row_number() OVER (ORDER BY rowid) - 1 AS {ROW} FROM {table})"  # noqa: S608
        con.execute(
            f"CREATE TABLE {target} AS SELECT {', '.join([*kept, ''])}"  # noqa: S608
            f"c.code AS {identifier(step.into)} FROM {numbered} t "
            f"JOIN socle_commune_codes c USING ({ROW}) ORDER BY {ROW}"
        )
    finally:
        con.unregister("socle_commune_codes")
    return {
        "communes": outlines.dataset,
        "communes_version": outlines.version,
        "outside": int(len(x) - len(np.unique(point_index))),
    }
