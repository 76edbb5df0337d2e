"""GeoJSON FeatureCollections: one row per feature, properties as columns, and the geometry
as GeoJSON text in WGS84 — reprojected with pyproj when the file declares another CRS
(Lambert-93, EPSG:2154, is common in French GIS exports).

DuckDB splits the document into features and types the properties (as for JSON); the
geometries go through shapely as one array: parsed, reprojected and written back in
vectorised calls. A geometry that is not valid GeoJSON (wrong coordinates, unclosed ring)
is an error naming its feature; a self-intersecting polygon is not (that is a quality
finding). Coordinates outside WGS84 bounds without a declared CRS raise a warning.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, ClassVar

import duckdb
import numpy as np
import pyarrow as pa
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from socle.errors import UnreadableFileError
from socle.ingest._duckdb import one_row, reading_error, session
from socle.ingest.base import ProgressCallback, ReadOptions, ReadResult
from socle.ingest.json import objects_relation, readable_structure
from socle.ingest.parquet import write_parquet
from socle.ingest.typed import flatten_structs
from socle.sql import identifier, literal

GEOMETRY = "geometry"
WGS84 = "EPSG:4326"
EPSG_CODE = re.compile(r"EPSG:+(?:[\d.]*:)?(\d+)$", re.IGNORECASE)


def declared_crs(crs: Any, file_name: str) -> str | None:
    """``EPSG:NNNN`` of a (legacy) ``crs`` member, or None for WGS84, the GeoJSON default."""
    name = crs if isinstance(crs, str) else ((crs or {}).get("properties") or {}).get("name")
    if not name:
        return None
    if name.upper().endswith(("CRS84", "CRS:84")):
        return None
    match = EPSG_CODE.search(name.replace("::", ":"))
    if not match:
        raise UnreadableFileError(f"système de coordonnées non reconnu « {name} »", file=file_name)
    code = f"EPSG:{match.group(1)}"
    return None if code == WGS84 else code


def reproject(shapes: np.ndarray, crs: str, file_name: str) -> np.ndarray:
    """Every geometry to WGS84 (longitude, latitude) in one vectorised pass."""
    try:
        transformer = Transformer.from_crs(CRS.from_user_input(crs), WGS84, always_xy=True)
    except CRSError as exc:
        raise UnreadableFileError(f"système de coordonnées inconnu {crs}", file=file_name) from exc

    def to_wgs84(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(shapes, to_wgs84)


def parse_geometries(texts: np.ndarray, file_name: str) -> np.ndarray:
    """Shapely geometries; the first malformed one is an error naming its feature."""
    shapes = shapely.from_geojson(texts, on_invalid="ignore")
    missing = pa.array(texts, type=pa.string()).is_null().to_numpy(zero_copy_only=False)
    bad = np.flatnonzero(~missing & shapely.is_missing(shapes))
    if bad.size:
        raise UnreadableFileError(
            f"géométrie invalide dans l'entité n° {bad[0] + 1} : {str(texts[bad[0]])[:200]}",
            file=file_name,
        )
    return shapes


def out_of_bounds(shapes: np.ndarray) -> bool:
    present = shapes[~shapely.is_missing(shapes)]
    if not present.size:
        return False
    xmin, ymin, xmax, ymax = shapely.total_bounds(present)
    return bool(xmin < -180 or xmax > 180 or ymin < -90 or ymax > 90)


class GeoJsonReader:
    """FeatureCollection (or a single Feature) to rows with a WGS84 ``geometry``."""

    name: ClassVar[str] = "geojson"

    def sniff(self, path: Path, head: bytes) -> bool:
        suffix = path.suffix.lower()
        if suffix == ".geojson":
            return True
        feature = b'"FeatureCollection"' in head or (b'"Feature"' in head and b'"geometry"' in head)
        return suffix == ".json" and feature

    def read(
        self,
        path: Path,
        dest: Path,
        options: ReadOptions,
        progress: ProgressCallback | None = None,
    ) -> ReadResult:
        if path.stat().st_size == 0:
            raise UnreadableFileError("fichier vide", file=path.name)
        with session(dest.parent, options.memory_limit) as con:
            try:
                crs = self._features(con, path)
                shapes = parse_geometries(self._geometry_texts(con), path.name)
                warnings = []
                if crs:
                    shapes = reproject(shapes, crs, path.name)
                    warnings.append(f"Coordonnées reprojetées de {crs} vers WGS84 ({WGS84})")
                elif out_of_bounds(shapes):
                    warnings.append(
                        "Coordonnées hors des limites de WGS84 alors qu'aucun système de "
                        "coordonnées n'est déclaré (Lambert-93 non déclaré ?)"
                    )
                geometries = pa.table(
                    {"idx": np.arange(len(shapes)), GEOMETRY: shapely.to_geojson(shapes)}
                )
                con.register("geometries", geometries)
                relation = self._rows(con, options.flatten)
                rows, fields, formats = write_parquet(
                    con, relation, dest, path.stat().st_size, progress, fixed={GEOMETRY: "geojson"}
                )
            except duckdb.Error as exc:
                dest.unlink(missing_ok=True)
                raise reading_error(exc, path.name) from exc
        return ReadResult(
            schema={"fields": fields},
            row_count=rows,
            format="geojson",
            warnings=warnings,
            details={"source_crs": crs or WGS84, "flatten": options.flatten, "formats": formats},
        )

    @staticmethod
    def _features(con: duckdb.DuckDBPyConnection, path: Path) -> str | None:
        """Create table ``features`` (``idx``, raw ``f``); return the declared CRS."""
        objects = objects_relation(path, "unstructured")
        documents = con.execute(
            f"SELECT json ->> 'type', CAST(json -> 'crs' AS VARCHAR) FROM {objects} LIMIT 2"  # noqa: S608
        ).fetchall()
        kind = documents[0][0] if len(documents) == 1 else None
        if kind not in ("FeatureCollection", "Feature"):
            raise UnreadableFileError(
                "GeoJSON attendu : un objet FeatureCollection ou Feature", file=path.name
            )
        listed = "[json]" if kind == "Feature" else "CAST(json -> 'features' AS JSON[])"
        con.execute(
            "CREATE TEMP TABLE features AS SELECT unnest(range(len(list))) AS idx, "  # noqa: S608
            f"unnest(list) AS f FROM (SELECT {listed} AS list FROM {objects})"
        )
        row = one_row(
            con,
            "SELECT count(*), min(CASE WHEN json_type(f) <> 'OBJECT' THEN idx END) FROM features",
        )
        if not row[0]:
            raise UnreadableFileError("aucune entité dans la collection", file=path.name)
        if row[1] is not None:
            raise UnreadableFileError(
                f"l'entité n° {row[1] + 1} n'est pas un objet Feature", file=path.name
            )
        crs = documents[0][1]
        return declared_crs(json.loads(crs) if crs else None, path.name)

    @staticmethod
    def _geometry_texts(con: duckdb.DuckDBPyConnection) -> np.ndarray:
        texts = con.sql(
            "SELECT CASE WHEN json_type(f -> 'geometry') NOT IN ('NULL') "
            "THEN CAST(f -> 'geometry' AS VARCHAR) END FROM features ORDER BY idx"
        ).to_arrow_table()
        return texts.column(0).to_numpy(zero_copy_only=False)

    @staticmethod
    def _rows(con: duckdb.DuckDBPyConnection, flatten: bool) -> str:
        """View ``rows``: properties as columns, the feature id, then the geometry."""
        row = one_row(
            con, "SELECT json_group_structure(f -> 'properties'), count(f -> 'id') FROM features"
        )
        shape = readable_structure(json.loads(row[0]), flatten) if row[0] else None
        select: list[str] = []
        taken: set[str] = set()
        properties = "NULL"
        if isinstance(shape, dict) and shape:
            properties = (
                "json_transform(CASE WHEN json_type(f -> 'properties') = 'OBJECT' "
                f"THEN f -> 'properties' END, {literal(json.dumps(shape))})"
            )
            con.execute(f"CREATE TEMP VIEW properties AS SELECT unnest({properties}) FROM features")  # noqa: S608
            if flatten:
                leaves = flatten_structs(con, "properties", prefix="p.")
            else:
                leaves = [(n, f"p.{identifier(n)}") for n in shape]
            for name, expression in leaves:
                renamed = f"{name}_propriete" if name.casefold() == GEOMETRY else name
                select.append(f"{expression} AS {identifier(renamed)}")
                taken.add(renamed.casefold())
        if row[1]:
            feature_id = "id_entite" if "id" in taken else "id"
            select.append(f"f ->> 'id' AS {identifier(feature_id)}")
        select.append(f"g.{GEOMETRY} AS {GEOMETRY}")
        con.execute(
            f"CREATE TEMP VIEW rows AS SELECT {', '.join(select)} "  # noqa: S608
            f"FROM (SELECT idx, f, {properties} AS p FROM features) "
            "JOIN geometries g USING (idx) ORDER BY idx"
        )
        return "rows"
