"""Helpers the importer tests share: a Crm on a fixed clock, CSV files, database bytes and
the `export all` JSON dump (built with export_rows, in the shape the CLI writes)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from crm_tui.services.context import Clock
from crm_tui.services.crm import Crm
from crm_tui.services.exchange.exports import Query, export_rows
from crm_tui.services.exchange.writers import write_json

AS_OF = dt.date(2026, 6, 15)
DUMP_KINDS = ["customers", "products", "purchases", "interactions", "opportunities", "tasks",
              "feedback", "segments"]


def open_crm(path: Path) -> Crm:
    return Crm.open(path, clock=Clock.at(AS_OF), staff="alice")


@pytest.fixture(name="crm")
def crm_fixture(tmp_path: Path) -> Iterator[Crm]:
    """`crm`: a session on a fresh database (import `crm_fixture` to use it)."""
    session = open_crm(tmp_path / "crm.db")
    yield session
    session.close()


def write_csv(path: Path, text: str, *, bom: bool = False) -> Path:
    """The CSV text as a UTF-8 file, lines as given (no newline translation)."""
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def database_bytes(path: Path) -> dict[str, bytes]:
    """Every file of a database directory by relative path, to prove nothing changed."""
    return {str(f.relative_to(path)): f.read_bytes() for f in sorted(path.rglob("*"))
            if f.is_file()}


def export_dump(crm: Crm) -> bytes:
    """`crm export all --format json`: one object, an array per kind."""
    out = io.BytesIO()
    out.write(b'{"format": "crm-tui-export", "version": 1, "as_of": "%s"'
              % AS_OF.isoformat().encode())
    for kind in DUMP_KINDS:
        out.write(b',\n"%s": ' % kind.encode())
        columns, rows = export_rows(crm, kind, Query(as_of=AS_OF))
        write_json(columns, rows, out)
    out.write(b"}\n")
    return out.getvalue()


def exported(crm: Crm, kind: str) -> list[dict[str, Any]]:
    """One export kind as JSON would carry it."""
    data: dict[str, Any] = orjson.loads(export_dump(crm))
    return list(data[kind])


def customers_by_email(crm: Crm) -> dict[str, dict[str, Any]]:
    return {c["email"]: c for c in crm.customers.all(include_deleted=True) if c.get("email")}
