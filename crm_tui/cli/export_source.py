"""The rows `crm export` writes, counted as the writers take them, for the progress line.

The count is of records, by whichever path a writer reads them: the rows themselves, or
the CSV lines the customers export writes faster (`CsvLines`); the total is not known
before they have all been made, so the line is a counter.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from crm_tui.services.crm import Crm
from crm_tui.services.exchange.exports import Query, Row, export_rows
from crm_tui.services.exchange.writers import CsvLines

from .progress import Advance

Item = TypeVar("Item")


class ExportSource:
    """`export_rows` for one resolved query; with `advance`, every record taken counts."""

    def __init__(self, crm: Crm, query: Query, advance: Advance | None) -> None:
        self.crm, self.query, self.advance = crm, query, advance
        self.taken = 0

    def rows(self, kind: str) -> tuple[list[str], Iterable[Row]]:
        columns, rows = export_rows(self.crm, kind, self.query)
        if self.advance is None:
            return columns, rows
        return columns, (_CountedLines(rows, self) if isinstance(rows, CsvLines)
                         else self.counted(rows))

    def counted(self, items: Iterable[Item]) -> Iterator[Item]:
        advance = self.advance
        assert advance is not None  # only wrapped when there is a line to draw
        for item in items:
            self.taken += 1
            advance(self.taken, None)
            yield item


class _CountedLines:
    """Rows that also write themselves as CSV lines, counted by either path."""

    def __init__(self, rows: Any, source: ExportSource) -> None:
        self._rows, self._source = rows, source

    def __iter__(self) -> Iterator[Row]:
        return self._source.counted(self._rows)

    def csv_lines(self, *, raw: bool) -> Iterator[str]:
        return self._source.counted(self._rows.csv_lines(raw=raw))
