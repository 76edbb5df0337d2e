"""A minimal OpenDocument spreadsheet writer: text cells, bold rows, several sheets.

No maintained Python library writes ODS without bringing a stack along (odfpy's last release
is from 2020; pyexcel-ods3 adds pyexcel and lxml), and the register needs only this small
subset of the format (ODF 1.2: a stored ``mimetype``, a manifest and ``content.xml``).
The tests read the files back with python-calamine, an independent reader.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape, quoteattr

from socle.governance.register._sheets import Sheet

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
MANIFEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" \
manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="{MIMETYPE}"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""
HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" \
xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" \
xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" \
xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.2">
<office:automatic-styles>
<style:style style:name="bold" style:family="table-cell">\
<style:text-properties fo:font-weight="bold"/></style:style>
</office:automatic-styles>
<office:body><office:spreadsheet>
"""
TAIL = "</office:spreadsheet></office:body></office:document-content>\n"


def write_ods(sheets: list[Sheet]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # The mimetype comes first and uncompressed, so tools can sniff the format.
        archive.writestr("mimetype", MIMETYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", MANIFEST, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", _content(sheets), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _content(sheets: list[Sheet]) -> str:
    parts = [HEAD]
    for sheet in sheets:
        parts.append(f"<table:table table:name={quoteattr(sheet.name)}>")
        for row in sheet.rows:
            style = ' table:style-name="bold"' if row.bold else ""
            parts.append("<table:table-row>")
            for cell in row.cells:
                parts.append(
                    f'<table:table-cell office:value-type="string"{style}>'
                    f"<text:p>{escape(cell)}</text:p></table:table-cell>"
                )
            parts.append("</table:table-row>")
        parts.append("</table:table>")
    parts.append(TAIL)
    return "".join(parts)
