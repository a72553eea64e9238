"""Reading an import CSV: UTF-8 (with or without BOM), RFC 4180, streamed row by row.

Each row comes with the physical line it starts on (the header is line 1; a quoted cell
spanning several lines moves later rows down accordingly), so errors point at the line a
spreadsheet or editor shows. A row with the wrong number of cells, or that the csv module
cannot parse, is a bad row; the file as a whole is refused (ValidationError naming it) only
when it is not UTF-8 text or has no header.

Cells our exporter neutralised against CSV injection (`'=SUM(...)`) get their `'` back off.
"""

from __future__ import annotations

import codecs
import csv
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crm_tui.domain.errors import ValidationError

from .cells import FORMULA_STARTS
from .mapping import ColumnMapping
from .reports import RowError

_SCAN_BYTES = 1 << 20
NOT_READ = object()  # SourceRow.ahead of a row not read ahead


@dataclass
class SourceRow:
    """One record to import: the mapped fields, or why the row could not even be read.
    `prefix` goes before field names in errors (e.g. "purchase_history[2]." in legacy
    files); `extra` carries source-specific values (the record id of a full export)."""

    line: int
    fields: dict[str, Any]
    error: RowError | None = None
    prefix: str = ""
    extra: dict[str, Any] | None = None
    ahead: Any = NOT_READ  # what the handler's `read_ahead` made of it, if it was read ahead


def file_error(path: str | os.PathLike[str], problem: str) -> ValidationError:
    """The one error for a file that cannot be imported at all: it names the file."""
    return ValidationError("file", f"{path}: {problem}")


def scan_text_file(path: str | os.PathLike[str]) -> int:
    """Check the whole file is UTF-8 text before anything is imported (a bad byte at row
    90,000 must not leave a half import); returns the number of lines, for progress."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines, offset = 0, 0
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(_SCAN_BYTES):
                if b"\0" in chunk:
                    raise file_error(path, "is a binary file, not CSV text")
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    raise file_error(path, f"is not UTF-8 text (bad byte at offset "
                                           f"{offset + exc.start}); save it as UTF-8 CSV") from None
                lines += chunk.count(b"\n")
                offset += len(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise file_error(path, "is not UTF-8 text (it ends inside a character)") from None
    except IsADirectoryError:
        raise file_error(path, "is a directory, not a file") from None
    except FileNotFoundError:
        raise file_error(path, "no such file") from None
    except OSError as exc:
        raise file_error(path, f"cannot be read ({exc.strerror})") from None
    return lines


def unneutralise(cell: str) -> str:
    """Undo the exporter's guard: `'=HYPERLINK("x")` -> `=HYPERLINK("x")`."""
    if cell.startswith("'") and cell[1:2] and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


class CsvSource:
    """The header, then rows of one CSV file. Use as a context manager."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.lines = scan_text_file(self.path)
        self._handle = open(self.path, encoding="utf-8-sig", newline="")  # noqa: SIM115
        self._reader = csv.reader(self._handle, strict=False)
        self._last_line = 0
        self.header: list[str] = []
        self.header_line = 0
        self._read_header()

    def __enter__(self) -> CsvSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._handle.close()

    def _next(self) -> tuple[int, list[str] | csv.Error] | None:
        """(first line of the row, its cells or the parse error), None at the end."""
        start = self._last_line + 1
        try:
            cells: list[str] | csv.Error = next(self._reader)
        except StopIteration:
            return None
        except csv.Error as exc:  # e.g. a broken quote swallowing more than the field limit
            cells = exc
        self._last_line = self._reader.line_num
        return start, cells

    def _read_header(self) -> None:
        while (item := self._next()) is not None:
            line, cells = item
            if isinstance(cells, csv.Error):
                self.close()
                raise file_error(self.path, f"line {line}: the header is not valid CSV ({cells})")
            if any(cell.strip() for cell in cells):
                self.header, self.header_line = cells, line
                return
        self.close()
        raise file_error(self.path, "is empty: expected a header row naming the columns")

    def rows(self, mapping: ColumnMapping) -> Iterator[SourceRow]:
        width = len(self.header)
        while (item := self._next()) is not None:
            line, cells = item
            if isinstance(cells, csv.Error):
                yield SourceRow(line, {}, RowError(line, "row", f"is not valid CSV ({cells})"))
                continue
            if not any(cell.strip() for cell in cells):
                continue  # blank lines and rows of empty cells (spreadsheets leave them)
            if len(cells) != width:
                yield SourceRow(line, {}, RowError(
                    line, "row", f"has {len(cells)} cells; the header has {width}"))
                continue
            yield SourceRow(line, mapping.row([unneutralise(cell) for cell in cells]))
