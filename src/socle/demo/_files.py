"""Writing demo files the way the authority's software would: encodings, separators, decimal
commas, GeoJSON one feature per line as GIS tools export it, and office documents whose bytes
do not depend on the day they were written (so two runs give the same checksum).
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import numpy as np

VARIANTS = (1, 2)
# Every zip entry and document property is stamped with this moment instead of "now".
FROZEN_TIME = (2024, 12, 31, 18, 0, 0)
FROZEN_ISO = "2024-12-31T18:00:00Z"


def second_delivery(variant: int) -> bool:
    """``True`` for the second delivery; refuses anything but 1 or 2."""
    if variant not in VARIANTS:
        raise ValueError(f"variante {variant!r} inconnue : 1 ou 2 attendue")
    return variant == 2


def rng(seed: int) -> np.random.Generator:
    """The same draws for both deliveries, so the second differs from the first only where a
    generator means it to."""
    return np.random.default_rng(seed)


def between(days: np.ndarray, first: str, last: str) -> np.ndarray:
    """Which ``datetime64[D]`` days fall from ``first`` to ``last``, both included."""
    return (days >= np.datetime64(first)) & (days <= np.datetime64(last))


def fr_decimal(value: float, digits: int = 2) -> str:
    """``1234.5`` -> ``1234,50``: the decimal comma of French spreadsheets."""
    return f"{value:.{digits}f}".replace(".", ",")


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> Path:
    """CSV with Windows line ends, quoting only where needed, as office software writes it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_json(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def write_geojson(
    path: Path, name: str, features: Sequence[dict[str, Any]], crs: str | None = None
) -> Path:
    """A FeatureCollection laid out like ogr2ogr/QGIS exports: one feature per line."""
    lines = ["{", '"type": "FeatureCollection",', f'"name": {json.dumps(name)},']
    if crs:
        member = {"type": "name", "properties": {"name": crs}}
        lines.append(f'"crs": {json.dumps(member)},')
    lines.append('"features": [')
    body = [json.dumps(f, ensure_ascii=False, separators=(", ", ": ")) for f in features]
    lines.append(",\n".join(body))
    lines += ["]", "}", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def feature(geometry: dict[str, Any] | None, properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def write_frozen_zip(path: Path, entries: Sequence[tuple[str, bytes]]) -> Path:
    """A zip (XLSX, ODS) with fixed timestamps; ``mimetype`` is stored uncompressed, first,
    as OpenDocument requires."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=FROZEN_TIME)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return path


def freeze_office_file(path: Path, data: bytes) -> Path:
    """Rewrite an XLSX produced in memory with frozen timestamps: openpyxl stamps the save time
    in ``docProps/core.xml`` and in every zip entry."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    # Any prefix: ElementTree's global prefix table (which other libraries such as OWSLib
    # extend) decides whether DC terms are written ``dcterms:`` or ``dct:``.
    stamp = re.compile(rb"(<(\w+):(?:created|modified)[^>]*>)[^<]*(</\2:)")
    frozen = [
        (name, stamp.sub(rb"\g<1>" + FROZEN_ISO.encode() + rb"\g<3>", content))
        if name == "docProps/core.xml"
        else (name, content)
        for name, content in entries
    ]
    return write_frozen_zip(path, frozen)


ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
ODS_MANIFEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" \
manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.3" \
manifest:media-type="{ODS_MIMETYPE}"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""
ODS_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content \
xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" \
xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">
<office:body><office:spreadsheet><table:table table:name={name}>
{rows}
</table:table></office:spreadsheet></office:body></office:document-content>
"""
OdsCell = str | int | float | date | None


def _ods_cell(value: OdsCell) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, date):
        shown = value.strftime("%d/%m/%Y")
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
            f"<text:p>{shown}</text:p></table:table-cell>"
        )
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{str(value).replace('.', ',')}</text:p></table:table-cell>"
        )
    return (
        '<table:table-cell office:value-type="string">'
        f"<text:p>{escape(value)}</text:p></table:table-cell>"
    )


def write_ods(
    path: Path, sheet: str, header: Sequence[str], rows: Iterable[Sequence[OdsCell]]
) -> Path:
    """A one-sheet OpenDocument spreadsheet, as LibreOffice Calc (the RGI's format) saves it:
    typed cells, dates shown ``dd/mm/yyyy``."""
    lines = [
        "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>"
        for row in [header, *rows]
    ]
    content = ODS_CONTENT.format(name=quoteattr(sheet), rows="\n".join(lines))
    entries = [
        ("mimetype", ODS_MIMETYPE.encode()),
        ("META-INF/manifest.xml", ODS_MANIFEST.encode()),
        ("content.xml", content.encode("utf-8")),
    ]
    return write_frozen_zip(path, entries)
