"""Export writers: CSV (RFC 4180, optional BOM), JSON, JSONL and XLSX (see xlsx.py), all
streaming.

Each takes the column names and an iterable of row mappings, and writes as it goes, so a
100,000-row export never holds the whole file in memory.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from itertools import compress, count, islice, repeat
from operator import contains
from pathlib import PurePath
from typing import IO, Any, Protocol, runtime_checkable

import orjson

from .cells import number_text, text_cells
from .xlsx import write_xlsx

FORMATS = ("csv", "json", "jsonl", "xlsx")
Row = Mapping[str, Any]


def format_of(path: str) -> str:
    """The format a file's name asks for by its extension (export.xlsx: xlsx); csv when
    it names none of them."""
    suffix = PurePath(path).suffix.lstrip(".").lower()
    return suffix if suffix in FORMATS else "csv"


@runtime_checkable
class CsvLines(Protocol):
    """Rows that can also write themselves as CSV lines, faster than cell by cell (the
    customers export); the lines must be exactly what `write_csv` makes of the rows."""

    def csv_lines(self, *, raw: bool) -> Iterator[str]: ...


def write_csv(columns: list[str], rows: Iterable[Row], out: IO[str], *, bom: bool = False,
              raw: bool = False) -> int:
    """RFC 4180 CSV (CRLF line ends, quoting when needed). Returns the number of rows.

    Byte for byte what `csv.writer` writes, but lines are joined by `csv_line` and
    written in batches: for 100,000 rows x 37 cells, the csv module costs several times
    more than computing the rows.
    """
    if bom:
        out.write("\ufeff")  # lets Excel detect UTF-8
    if isinstance(rows, CsvLines):
        lines = rows.csv_lines(raw=raw)
    else:
        lines = (csv_line(text_cells(map(row.get, columns), raw=raw)) + "\r\n" for row in rows)
    out.write(csv_line(list(columns)) + "\r\n")
    written = 0
    while batch := list(islice(lines, _BATCH)):  # drawn at C speed, written in one go
        out.write("".join(batch))
        written += len(batch)
    return written


_BATCH = 1000  # lines per write


def csv_line(cells: list[str], likely: int | None = None) -> str:
    """Text cells as one CSV line (no line end), quoted exactly as `csv.writer` quotes.

    Most lines need no quotes: one join and a few scans tell. Cells holding commas are
    quoted in place: the cell at index `likely` if its commas are all the extra ones
    (the joined tags of a customer), else those a C-level scan finds. A quote character
    or a line break, which are rare, go through the csv module itself.
    """
    line = ",".join(cells)
    # `line` is empty for one empty cell, which the csv module writes as "". Substring
    # tests rather than a regular expression: they cost a tenth as much.
    if line and '"' not in line and "\n" not in line and "\r" not in line:
        extra = line.count(",") - len(cells) + 1
        if not extra:
            return line
        if likely is not None and cells[likely].count(",") == extra:
            cells[likely] = '"' + cells[likely] + '"'
        else:
            for i in compress(count(), map(contains, cells, repeat(","))):
                cells[i] = '"' + cells[i] + '"'
        return ",".join(cells)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue()[:-2]


def _json_value(value: Any) -> bytes:
    if isinstance(value, Decimal):
        return number_text(value).encode()  # a JSON number that keeps its two places
    return orjson.dumps(value, default=_nested_money)


def _nested_money(value: Any) -> Any:
    """Money inside a list or object (an order's lines) as a number with its two places,
    like the row's own; orjson asks only for what it cannot write itself."""
    if isinstance(value, Decimal):
        return orjson.Fragment(number_text(value).encode())
    raise TypeError(f"{type(value).__name__} cannot be written as JSON")


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
        return write_xlsx(columns, rows, out)  # typed cells: no formula to neutralise
    raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
