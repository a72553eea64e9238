"""Export writers: CSV (RFC 4180, optional BOM), JSON, JSONL and XLSX, all streaming.

Each takes the column names and an iterable of row mappings, and writes as it goes, so a
100,000-row export never holds the whole file in memory.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import IO, Any

import orjson

from .cells import number_text, text_cell
from .xlsx import write_xlsx

FORMATS = ("csv", "json", "jsonl", "xlsx")
Row = Mapping[str, Any]


def write_csv(columns: list[str], rows: Iterable[Row], out: IO[str], *, bom: bool = False,
              raw: bool = False) -> int:
    """RFC 4180 CSV (CRLF line ends, quoting when needed). Returns the number of rows."""
    if bom:
        out.write("\ufeff")  # lets Excel detect UTF-8
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([text_cell(row.get(c), raw=raw) for c in columns])
        count += 1
    return count


def _json_value(value: Any) -> bytes:
    if isinstance(value, Decimal):
        return number_text(value).encode()  # a JSON number that keeps its two places
    return orjson.dumps(value)


def _json_object(columns: list[str], row: Row, keys: list[bytes]) -> bytes:
    parts = [key + b":" + _json_value(row.get(c)) for key, c in zip(keys, columns, strict=True)]
    return b"{" + b",".join(parts) + b"}"


def write_jsonl(columns: list[str], rows: Iterable[Row], out: IO[bytes]) -> int:
    keys = [orjson.dumps(c) for c in columns]
    count = 0
    for row in rows:
        out.write(_json_object(columns, row, keys) + b"\n")
        count += 1
    return count


def write_json(columns: list[str], rows: Iterable[Row], out: IO[bytes]) -> int:
    keys = [orjson.dumps(c) for c in columns]
    count = 0
    out.write(b"[")
    for row in rows:
        out.write((b",\n" if count else b"\n") + _json_object(columns, row, keys))
        count += 1
    out.write(b"\n]\n" if count else b"]\n")
    return count


def write_rows(fmt: str, columns: list[str], rows: Iterable[Row], out: IO[bytes], *,
               bom: bool = False, raw: bool = False) -> int:
    """Write in any export format to a binary stream; returns the number of rows."""
    if fmt == "csv":
        import io

        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        try:
            return write_csv(columns, rows, text, bom=bom, raw=raw)
        finally:
            text.detach()  # leave `out` open for the caller
    if fmt == "json":
        return write_json(columns, rows, out)
    if fmt == "jsonl":
        return write_jsonl(columns, rows, out)
    if fmt == "xlsx":
        return write_xlsx(columns, rows, out, raw=raw)
    raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
