"""A journal tail whose documents' latest versions are spread over many lines, as an
import leaves the customers whose totals every chunk changed; and a count of the lines
decoded to read it (each should be decoded once, not once per document)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_tui.store import Database, journal

LINES = 40
DOCUMENTS = 400


def spread_over_lines(path: Path, table: str) -> None:
    """Fill `table` up to DOCUMENTS documents, then commit LINES lines: line k holds the
    latest version ({"n": 2}) of every id = k (mod LINES)."""
    writer = Database(path)
    docs = writer.table(table)
    docs.insert_multiple([{"n": 1} for _ in range(DOCUMENTS - len(docs))])
    for k in range(LINES):
        docs.update({"n": 2}, doc_ids=[i for i in range(1, DOCUMENTS + 1) if i % LINES == k])
    writer.close()


def count_decodes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that grows by one for each journal line's table body decoded."""
    decoded: list[int] = []
    real = journal.decode_body
    monkeypatch.setattr(journal, "decode_body", lambda raw: decoded.append(1) or real(raw))
    return decoded
