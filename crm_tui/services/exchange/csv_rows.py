"""Reading an import CSV: its encoding and delimiter found (file_format.py), its dates and
amounts read from the file's local forms (column_reading.py), streamed row by row. An
Excel workbook's sheet (the first, or the one named) is read the same way, its cells as
text (workbook_rows.py).

Each row comes with the physical line it starts on (the header is line 1; a quoted cell
spanning several lines moves later rows down accordingly), so errors point at the line a
spreadsheet or editor shows. A row with the wrong number of cells, that the csv module
cannot parse, or with a date or amount its column cannot read, is a bad row; the file as a
whole is refused (ValidationError naming it) only when it is not text, has no header, or
has a date column whose order cannot be told.

A leading `'` that a spreadsheet or our own export put before a cell so it stays text is
taken off: before a formula character (our exports neutralise `=SUM(...)` so) or before
something with digits and no letters (`'7000000000`, `'00123`, `'2024-01-31`). Before
text it is part of the text (`'Ohana Cafe`).

Deciding how a column's values are read needs them before any row is imported: the first
LOOK_AHEAD rows are read ahead and kept, and only when a date column's order is still
untold there is the rest of the file read on until a value tells it (or the file ends).
"""

from __future__ import annotations

import csv
import os
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from itertools import chain, islice
from pathlib import Path
from typing import IO, Any, Protocol

from crm_tui.domain.errors import ValidationError

from .cells import FORMULA_STARTS
from .column_reading import (
    CellReadError,
    Column,
    ColumnEvidence,
    ColumnReading,
    field_form,
)
from .file_format import (
    DELIMITER_NAMES,
    SNIFF_LINES,
    UTF_8,
    Encoding,
    file_error,
    named_encoding,
    scan,
    sniff_delimiter,
    unreadable,
)
from .locale_dates import check_date_format
from .mapping import ColumnMapping
from .reports import RowError
from .workbook_rows import WorkbookRows, check_options, is_workbook, sheet_read

__all__ = ["NOT_READ", "CsvLayout", "CsvSource", "ReadOptions", "SourceRow", "file_error"]

NOT_READ = object()  # SourceRow.ahead of a row not read ahead
LOOK_AHEAD = 5000
TAB_NAMES = {"tab": "\t", "\\t": "\t"}


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


@dataclass(frozen=True)
class ReadOptions:
    """What the user said about the file; None: found from the file."""

    encoding: str | None = None  # a Python codec name (utf-8, cp1252, utf-16...)
    delimiter: str | None = None  # one character; "tab" or "\\t" for a tab
    date_format: str | None = None  # DMY, MDY or a strptime pattern (locale_dates)
    sheet: str | None = None  # a workbook's sheet: its name or number (1 the first)

    def __post_init__(self) -> None:
        if self.encoding is not None:
            named_encoding(self.encoding)  # refused now, before anything is read
        if self.delimiter is not None:
            delimiter = TAB_NAMES.get(self.delimiter.lower(), self.delimiter)
            if len(delimiter) != 1 or delimiter in ('"', "\r", "\n"):
                raise ValidationError("delimiter", f"{self.delimiter!r} is not a delimiter: "
                                                   "give one character, like ; or | or tab")
            object.__setattr__(self, "delimiter", delimiter)
        if self.date_format is not None:
            object.__setattr__(self, "date_format", check_date_format(self.date_format))


@dataclass(frozen=True)
class CsvLayout:
    """How a file is written, as found: another process reads it the same way with no
    deciding of its own (see read_ahead.py)."""

    path: str
    encoding: Encoding
    delimiter: str
    lines: int
    columns: tuple[ColumnReading, ...] = field(default=())
    sheet: str | None = None  # a workbook's: the worksheet read (encoding and delimiter unused)
    sheets: tuple[str, ...] = ()  # a workbook's: every worksheet's title

    def describe(self) -> list[str]:
        """What was found, in words for the user: the encoding and the delimiter (a
        workbook's sheet), then how each date and number column is read."""
        if self.sheet is not None:
            how = sheet_read(self.sheet, self.sheets)
        else:
            delimiter = DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))
            how = f"read as {self.encoding.label}, {delimiter}-separated"
        return [how, *(column.describe() for column in self.columns)]


class _RowReader(Protocol):
    """A csv.reader, or a workbook's WorkbookRows."""

    @property
    def line_num(self) -> int: ...

    def __next__(self) -> list[str]: ...


def unquote(cell: str) -> str:
    """Take off a `'` that keeps a number, an id or a formula as text (module docstring)."""
    if cell[:1] != "'":
        return cell
    rest = cell[1:]
    if rest.startswith(FORMULA_STARTS) or (
            any(ch.isdigit() for ch in rest) and not any(ch.isalpha() for ch in rest)):
        return rest
    return cell


def unquoted(cells: list[str]) -> list[str]:
    """`unquote` of each cell; a cell not starting with `'` costs one comparison."""
    return [unquote(cell) if cell[:1] == "'" else cell for cell in cells]


class CsvSource:
    """The header, then rows of one CSV file. Use as a context manager; `settle` with the
    column mapping before the first row (`rows` does it if not done)."""

    def __init__(self, path: str | os.PathLike[str], options: ReadOptions | None = None,
                 *, layout: CsvLayout | None = None) -> None:
        self.path = Path(path)
        self.options = options or ReadOptions()
        self._handle: IO[str] | WorkbookRows
        self._reader: _RowReader
        check_options(self.path, encoding=self.options.encoding,
                      delimiter=self.options.delimiter, sheet=self.options.sheet)
        if is_workbook(self.path):
            book = WorkbookRows(self.path, self.options.sheet if layout is None else layout.sheet)
            self._handle = self._reader = book
            self.lines = book.lines
            self.layout = layout or CsvLayout(os.fspath(self.path), UTF_8, ",", self.lines,
                                              sheet=book.sheet, sheets=book.sheets)
        else:
            self._open_text(layout)
        self._last_line = 0
        self._ahead: deque[tuple[int, list[str] | csv.Error]] = deque()
        self._readers: list[tuple[int, dict[str, str], Callable[[str], str]]] | None = None
        if layout is not None:
            self._readers = [(c.index, *c.reader()) for c in layout.columns]
        self.header: list[str] = []
        self.header_line = 0
        self._read_header()

    def _open_text(self, layout: CsvLayout | None) -> None:
        if layout is None:
            encoding, lines = scan(self.path, self.options.encoding)
        else:
            encoding, lines = layout.encoding, layout.lines
        self.lines = lines
        self._handle = open(self.path, encoding=encoding.codec, newline="")  # noqa: SIM115
        head = list(islice(self._handle, SNIFF_LINES))
        delimiter = (layout.delimiter if layout is not None
                     else self.options.delimiter or sniff_delimiter(head))
        self._reader = csv.reader(chain(head, self._handle), delimiter=delimiter, strict=False)
        self.layout = layout or CsvLayout(os.fspath(self.path), encoding, delimiter, lines)

    @classmethod
    def reopen(cls, layout: CsvLayout) -> CsvSource:
        """The file again, read as `layout` says (found by an earlier CsvSource)."""
        return cls(layout.path, layout=layout)

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
        except OSError as exc:  # a disk or network failing part-way: the file's own error
            raise unreadable(self.path, exc) from None
        except UnicodeDecodeError:  # every byte decoded when it was scanned
            raise file_error(self.path, "changed while it was being read (it no longer "
                                        f"reads as {self.layout.encoding.label})") from None
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

    def settle(self, mapping: ColumnMapping) -> CsvLayout:
        """Decide how the mapped date and number columns are read, from their values (and
        --date-format); raises the file's ValidationError when a date column cannot be
        read. Returns the layout, which then says it all."""
        if self._readers is not None:
            return self.layout
        columns = [Column(index, label.strip() or f"column {index + 1}", name, form)
                   for index, (label, name) in enumerate(zip(mapping.header, mapping.fields,
                                                             strict=True))
                   if name is not None and (form := field_form(mapping.kind, name))]
        evidence = ColumnEvidence(columns)
        width = len(self.header)
        while columns and len(self._ahead) < LOOK_AHEAD and (item := self._next()) is not None:
            self._ahead.append(item)
            if isinstance(item[1], list) and len(item[1]) == width:
                evidence.see(item[1], item[0], unquote)
        if not evidence.settled and len(self._ahead) == LOOK_AHEAD:
            self._read_on(evidence, width)
        try:
            readings = evidence.decide(delimiter=self.layout.delimiter,
                                       date_format=self.options.date_format)
        except ValueError as exc:
            self.close()
            raise file_error(self.path, str(exc)) from None
        self.layout = replace(self.layout, columns=tuple(readings))
        self._readers = [(reading.index, *reading.reader()) for reading in readings]
        return self.layout

    def _read_on(self, evidence: ColumnEvidence, width: int) -> None:
        """Past the rows kept, read on (a second reader, keeping nothing) until the values
        settle what the decision needs."""
        with CsvSource.reopen(self.layout) as again:
            for _ in range(len(self._ahead)):
                again._next()
            while not evidence.settled and (item := again._next()) is not None:
                if isinstance(item[1], list) and len(item[1]) == width:
                    evidence.see(item[1], item[0], unquote)

    def _items(self) -> Iterator[tuple[int, list[str] | csv.Error]]:
        while self._ahead:
            yield self._ahead.popleft()
        while (item := self._next()) is not None:
            yield item

    def rows(self, mapping: ColumnMapping) -> Iterator[SourceRow]:
        self.settle(mapping)
        readers = self._readers or []
        width = len(self.header)
        for line, cells in self._items():
            if isinstance(cells, csv.Error):
                yield SourceRow(line, {}, RowError(line, "row", _not_csv(cells)))
                continue
            if not any(map(str.strip, cells)):
                continue  # blank lines and rows of empty cells (spreadsheets leave them)
            if len(cells) != width:
                yield SourceRow(line, {}, RowError(line, "row", _wrong_width(cells, width)))
                continue
            cells = unquoted(cells)
            try:
                for index, seen, read in readers:
                    cell = cells[index]
                    value = seen.get(cell)
                    cells[index] = read(cell) if value is None else value
            except CellReadError as exc:
                yield SourceRow(line, {}, RowError(line, exc.field, str(exc)))
                continue
            yield SourceRow(line, mapping.row(cells))


def _wrong_width(cells: list[str], width: int) -> str:
    """Why a row has too few or too many cells. A last cell running over a line break is
    a quote never closed: the reader took the lines after it into that cell."""
    if "\n" in cells[-1] or "\r" in cells[-1]:
        return ('a quote (") opened here is never closed, so the lines after it were read '
                f"as part of this row ({len(cells)} cells; the header has {width})")
    return f"has {len(cells)} cells; the header has {width}"


def _not_csv(error: csv.Error) -> str:
    if "field larger than field limit" in str(error):
        return (f"has a cell longer than {csv.field_size_limit():,} characters (is a quote "
                "opened there never closed?)")
    return f"is not valid CSV ({error})"
