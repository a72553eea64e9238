"""A small streaming XLSX writer (one sheet, numbers and inline strings, bold header).

Enough for exports to open in Excel and LibreOffice without pulling in a spreadsheet
library; rows are streamed into the zip entry, so memory stays flat.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Mapping
from typing import IO, Any
from xml.sax.saxutils import escape

from .cells import is_number, number_text, text_cell

# Characters XML 1.0 cannot carry at all: dropped rather than corrupting the file.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
PKG = "http://schemas.openxmlformats.org/package/2006"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _override(part: str, kind: str) -> str:
    return f'<Override PartName="{part}" ContentType="{MIME}.{kind}+xml"/>'


def _relationship(rid: str, kind: str, target: str) -> str:
    return f'<Relationship Id="{rid}" Type="{REL}/{kind}" Target="{target}"/>'


CONTENT_TYPES = (
    f'{XML_HEAD}<Types xmlns="{PKG}/content-types">'
    f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    + _override("/xl/workbook.xml", "sheet.main")
    + _override("/xl/worksheets/sheet1.xml", "worksheet")
    + _override("/xl/styles.xml", "styles")
    + "</Types>"
)
ROOT_RELS = (f'{XML_HEAD}<Relationships xmlns="{PKG}/relationships">'
             + _relationship("rId1", "officeDocument", "xl/workbook.xml") + "</Relationships>")
WORKBOOK = (f'{XML_HEAD}<workbook xmlns="{SHEET_NS}" xmlns:r="{REL}">'
            '<sheets><sheet name="export" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (f'{XML_HEAD}<Relationships xmlns="{PKG}/relationships">'
                 + _relationship("rId1", "worksheet", "worksheets/sheet1.xml")
                 + _relationship("rId2", "styles", "styles.xml") + "</Relationships>")
STYLES = f"""{XML_HEAD}<styleSheet xmlns="{SHEET_NS}">
<fonts count="2"><font/><font><b/></font></fonts>
<fills count="1"><fill/></fills><borders count="1"><border/></borders>
<cellStyleXfs count="1"><xf/></cellStyleXfs>
<cellXfs count="2"><xf/><xf fontId="1" applyFont="1"/></cellXfs>
</styleSheet>"""
SHEET_START = f'{XML_HEAD}<worksheet xmlns="{SHEET_NS}"><sheetData>'
SHEET_END = "</sheetData></worksheet>"


def _cell(value: Any, *, raw: bool, style: str = "") -> str:
    if value is None:
        return "<c/>"
    if is_number(value):
        return f"<c{style}><v>{number_text(value)}</v></c>"
    text = escape(_ILLEGAL_XML.sub("", text_cell(value, raw=raw)))
    return f'<c t="inlineStr"{style}><is><t xml:space="preserve">{text}</t></is></c>'


def write_xlsx(columns: list[str], rows: Iterable[Mapping[str, Any]], out: IO[bytes], *,
               raw: bool = False) -> int:
    count = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for name, body in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS),
                           ("xl/workbook.xml", WORKBOOK), ("xl/styles.xml", STYLES),
                           ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)):
            book.writestr(name, body)
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(SHEET_START.encode())
            header = "".join(_cell(c, raw=True, style=' s="1"') for c in columns)
            sheet.write(f"<row>{header}</row>".encode())
            for row in rows:
                cells = "".join(_cell(row.get(c), raw=raw) for c in columns)
                sheet.write(f"<row>{cells}</row>".encode())
                count += 1
            sheet.write(SHEET_END.encode())
    return count
