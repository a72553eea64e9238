"""Helpers the importer tests share: a Crm on a fixed clock, CSV files, database bytes and
the `export all` JSON dump (built with export_rows, in the shape the CLI writes)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import orjson

from crm_tui.services.crm import Crm
from crm_tui.services.exchange.exports import DUMP_KINDS, Query, export_rows
from crm_tui.services.exchange.writers import write_json
from tests.conftest import AS_OF, database_bytes
from tests.conftest import open_session as open_crm

__all__ = ["AS_OF", "DUMP_KINDS", "database_bytes", "open_crm"]


def write_csv(path: Path, text: str, *, bom: bool = False) -> Path:
    """The CSV text as a UTF-8 file, lines as given (no newline translation)."""
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


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
