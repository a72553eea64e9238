"""Reading an Excel workbook (.xlsx, .xlsm: what Excel saves by default) as the rows of an
import: one worksheet (the first, unless named or numbered as `--sheet` does), every cell
turned into the text the same cell would have in a CSV that Excel saved, so the one import
pipeline reads either (see csv_rows.CsvSource). A workbook has no encoding or delimiter:
the options that choose those for a CSV file are refused for it, naming the option, and
`--sheet` for a CSV file.

Each row comes with its row number in the sheet, so errors point at the row Excel shows.
The header is the first row with a cell in it; a row's empty cells after its last value are
not cells (sheets differ in how far they record them), and a row shorter than the header
has empty cells to its width.

Cells: text as it is; whole numbers as digits (`12`, not `12.0`); other numbers with every
digit their value has (`0.1`, never `0.1000000000000000055`); dates as ISO text
(`2026-12-31`, or `2026-12-31T10:00:00` with a time of day); yes/no for a boolean; an empty
cell, or a formula Excel never calculated, as "".
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from crm_tui.domain.errors import ValidationError

from .file_format import file_error, read_errors

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
_DAMAGED = ("cannot be read as an Excel workbook (is it damaged, or protected with a "
            "password?): open it in Excel and save it again, or save it as CSV")


def is_workbook(path: str | os.PathLike[str]) -> bool:
    return os.fspath(path).lower().endswith(WORKBOOK_SUFFIXES)


def check_options(path: str | os.PathLike[str], *, encoding: str | None,
                  delimiter: str | None, sheet: str | None) -> None:
    """Refuse what the user said of the file that cannot apply to it, naming the option:
    an encoding or a delimiter for a workbook, a sheet for a CSV file."""
    name = os.path.basename(path)
    if is_workbook(path):
        for option, value in (("encoding", encoding), ("delimiter", delimiter)):
            if value is not None:
                raise ValidationError(option, f"{name} is an Excel workbook: it has no "
                                              f"{option} to choose (--{option} is for CSV files)")
    elif sheet is not None:
        raise ValidationError("sheet", f"{name} is not an Excel workbook (.xlsx): it has no "
                                       "sheets (--sheet is for workbooks)")


def sheet_index(sheets: tuple[str, ...], sheet: str | None) -> int:
    """Where the sheet `sheet` names is among `sheets`: its name (case and spaces at its
    ends ignored) or its number, 1 for the first; None: the first."""
    if sheet is None:
        return 0
    wanted = sheet.strip().casefold()
    for index, title in enumerate(sheets):
        if title.strip().casefold() == wanted:
            return index
    if wanted.isdigit() and 1 <= int(wanted) <= len(sheets):
        return int(wanted) - 1
    raise ValidationError("sheet", f"the workbook has no sheet {sheet!r}: its sheets are "
                                   f"{listed(sheets)}")


def listed(sheets: tuple[str, ...]) -> str:
    return ", ".join(f"{number} {title!r}" for number, title in enumerate(sheets, 1))


def other_sheets(sheets: tuple[str, ...]) -> str:
    """For a message about the sheet read: the others to read instead ("" for none)."""
    if len(sheets) <= 1:
        return ""
    return f", or read another sheet with --sheet (the workbook's: {listed(sheets)})"


def sheet_read(sheet: str, sheets: tuple[str, ...]) -> str:
    """Which sheet was read, in words; with several, which others there are."""
    if len(sheets) <= 1:
        return f"read from the workbook's sheet {sheet!r}"
    number = sheets.index(sheet) + 1 if sheet in sheets else 0
    return (f"read from the workbook's sheet {number}, {sheet!r}, of {len(sheets)} "
            f"({listed(sheets)}: --sheet chooses another)")


def cell_text(value: Any) -> str:
    """The text of one cell's value (see the module's docstring)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):  # before int: a bool is an int
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")  # repr's digits, never an exponent
    if isinstance(value, dt.datetime):
        if value.time() == dt.time() and value.tzinfo is None:
            return value.date().isoformat()  # Excel keeps a date as a date at midnight
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


class WorkbookRows:
    """The rows of one sheet of a workbook (`sheet` as `sheet_index` takes it; None: the
    first) as lists of text cells, like a `csv.reader`: iterate, and `line_num` is the
    sheet row of the last row given. `lines`: the sheet's rows as the workbook records them
    (for progress); `sheet`, `sheets`: the title of the sheet read, and every sheet's.
    Close when done.

    Anything the workbook's reader raises on a file that is not a sound workbook (a zip of
    something else, an encrypted file, broken XML: each its own exception) becomes the
    file's one-line error."""

    def __init__(self, path: str | os.PathLike[str], sheet: str | None = None) -> None:
        from openpyxl import load_workbook  # type: ignore[import-untyped]  # workbooks only

        self.path = path
        with read_errors(path):
            try:
                self._book = load_workbook(path, read_only=True, data_only=True)
            except OSError:
                raise
            except Exception:
                raise file_error(path, _DAMAGED) from None
        try:
            self.sheets: tuple[str, ...] = tuple(ws.title for ws in self._book.worksheets)
            index = sheet_index(self.sheets, sheet)
            chosen = self._book.worksheets[index]
            self.sheet: str = chosen.title
            self.lines: int = chosen.max_row or 0
            # Some programs record a sheet's size wrongly (as A1): read what is there.
            chosen.reset_dimensions()
            self._rows = chosen.iter_rows(values_only=True)
        except ValidationError:
            self.close()
            raise
        except Exception:
            self.close()
            raise file_error(path, _DAMAGED) from None
        self.line_num = 0
        self._width: int | None = None

    def close(self) -> None:
        self._book.close()

    def __iter__(self) -> Iterator[list[str]]:
        return self

    def __next__(self) -> list[str]:
        try:
            values = next(self._rows)
        except StopIteration:
            raise
        except Exception:
            raise file_error(self.path, _DAMAGED) from None
        self.line_num += 1
        cells = [cell_text(value) for value in values]
        while cells and not cells[-1]:
            cells.pop()
        if self._width is None:
            if cells:
                self._width = len(cells)
            return cells
        return cells + [""] * (self._width - len(cells))
