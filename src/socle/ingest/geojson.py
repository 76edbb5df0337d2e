"""GeoJSON FeatureCollections: one row per feature, properties as columns, and the geometry
as GeoJSON text in WGS84 — reprojected with pyproj when the file declares another CRS
(Lambert-93, EPSG:2154, is common in French GIS exports).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from socle.errors import UnreadableFileError
from socle.ingest.base import ProgressCallback, ReadOptions, ReadResult
from socle.ingest.json import read_records_file

GEOMETRY = "geometry"
WGS84_NAMES = {"EPSG:4326", "OGC:CRS84", "CRS84"}
EPSG_CODE = re.compile(r"EPSG:+(?:[\d.]*:)?(\d+)$", re.IGNORECASE)


def declared_crs(document: dict[str, Any], file_name: str) -> str | None:
    """``EPSG:NNNN`` of a legacy ``crs`` member, or None for WGS84 (the GeoJSON default)."""
    name = ((document.get("crs") or {}).get("properties") or {}).get("name")
    if not name:
        return None
    if name.upper().endswith(("CRS84", "CRS:84")):
        return None
    match = EPSG_CODE.search(name.replace("::", ":"))
    if not match:
        raise UnreadableFileError(f"système de coordonnées non reconnu « {name} »", file=file_name)
    code = f"EPSG:{match.group(1)}"
    return None if code in WGS84_NAMES else code


def reproject(geometries: list[Any], crs: str, file_name: str) -> list[Any]:
    try:
        transformer = Transformer.from_crs(CRS.from_user_input(crs), "EPSG:4326", always_xy=True)
    except CRSError as exc:
        raise UnreadableFileError(f"système de coordonnées inconnu {crs}", file=file_name) from exc

    def to_wgs84(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    shapes = np.array(geometries, dtype=object)
    present = shapes != None  # noqa: E711 - element-wise comparison on an object array
    shapes[present] = shapely.transform(shapes[present], to_wgs84)
    return list(shapes)


def parse_geometries(features: list[dict[str, Any]], file_name: str) -> list[Any]:
    shapes: list[Any] = []
    for index, feature in enumerate(features):
        geometry = feature.get(GEOMETRY)
        if geometry is None:
            shapes.append(None)
            continue
        try:
            shapes.append(shapely.from_geojson(json.dumps(geometry)))
        except (shapely.errors.GEOSException, ValueError, TypeError) as exc:
            raise UnreadableFileError(
                f"géométrie invalide dans l'entité n° {index + 1} ({exc})", file=file_name
            ) from exc
    return shapes


class GeoJsonReader:
    name: ClassVar[str] = "geojson"

    def sniff(self, path: Path, head: bytes) -> bool:
        if path.suffix.lower() == ".geojson":
            return True
        return path.suffix.lower() == ".json" and b'"FeatureCollection"' in head

    def read(
        self,
        path: Path,
        dest: Path,
        options: ReadOptions,
        progress: ProgressCallback | None = None,
    ) -> ReadResult:
        try:
            document = json.loads(path.read_bytes())
        except (ValueError, UnicodeDecodeError) as exc:
            raise UnreadableFileError(f"GeoJSON invalide ({exc})", file=path.name) from exc
        if not isinstance(document, dict) or document.get("type") not in (
            "FeatureCollection",
            "Feature",
        ):
            raise UnreadableFileError(
                "GeoJSON attendu : un objet FeatureCollection ou Feature", file=path.name
            )
        features = document.get("features", [document] if document["type"] == "Feature" else [])
        if not isinstance(features, list) or not all(isinstance(f, dict) for f in features):
            raise UnreadableFileError("« features » doit être une liste d'entités", file=path.name)
        if not features:
            raise UnreadableFileError("aucune entité dans la collection", file=path.name)
        crs = declared_crs(document, path.name)
        shapes = parse_geometries(features, path.name)
        if crs:
            shapes = reproject(shapes, crs, path.name)
        texts = shapely.to_geojson(np.array(shapes, dtype=object))
        staged = dest.parent / f".{dest.stem}.ndjson"
        warnings = []
        try:
            with staged.open("w", encoding="utf-8") as out:
                for feature, text in zip(features, texts, strict=True):
                    record = dict(feature.get("properties") or {})
                    if GEOMETRY in record:
                        record["geometry_propriete"] = record.pop(GEOMETRY)
                    if "id" in feature and "id" not in record:
                        record["id"] = feature["id"]
                    record[GEOMETRY] = text
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
            rows, fields = read_records_file(
                path, staged, "newline_delimited", dest, options, progress, {GEOMETRY: "geojson"}
            )
        finally:
            staged.unlink(missing_ok=True)
        # The geometry comes last in the file we wrote; show it last in the schema too.
        details = {"source_crs": crs or "EPSG:4326"}
        if crs:
            warnings.append(f"Coordonnées reprojetées de {crs} vers WGS84 (EPSG:4326)")
        return ReadResult(
            schema={"fields": fields},
            row_count=rows,
            format="geojson",
            warnings=warnings,
            details=details,
        )
