"""The customer, date, validation and byte helpers several service test modules share
(the `crm` fixture itself is in tests/conftest.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crm_tui.domain.errors import ValidationError
from crm_tui.services.crm import Crm
from tests.conftest import AS_OF, database_bytes

__all__ = ["AS_OF", "database_bytes"]


@pytest.fixture
def john(crm: Crm) -> int:
    return crm.customers.create({"first_name": "John", "last_name": "Doe"})


def day(offset: int) -> str:
    """The ISO date `offset` days from AS_OF (negative: before it)."""
    return (AS_OF + dt.timedelta(days=offset)).isoformat()


def refused_field(call: Callable[..., object], *args: Any) -> str:
    """The field named by the ValidationError that `call(*args)` must raise."""
    with pytest.raises(ValidationError) as err:
        call(*args)
    return err.value.field


def audit_log(crm: Crm) -> list[dict[str, Any]]:
    """Every audit entry, newest first, each with its number as `id`."""
    entries = sorted(crm.db.table("audit"), key=lambda doc: doc.doc_id, reverse=True)
    return [{**doc, "id": doc.doc_id} for doc in entries]


def history(crm: Crm, table: str, record_id: int) -> list[dict[str, Any]]:
    """One record's audit entries, newest first."""
    return [e for e in audit_log(crm) if (e["entity"], e["entity_id"]) == (table, record_id)]


def tables_read(crm: Crm, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The table of each document `crm` reads from the files or the journal (its table
    not loaded) from now until `monkeypatch.undo()`, once per read, as the list returned."""
    reads = type(crm.db.engine.reads)
    read = reads._unloaded
    found: list[str] = []

    def counted(self: Any, name: str, doc_id: int) -> Any:
        found.append(name)
        return read(self, name, doc_id)

    monkeypatch.setattr(reads, "_unloaded", counted)
    return found


def harm(file: Path, how: str) -> None:
    """Leave a derived file "missing" (removed) or "damaged" (a byte of its body flipped)."""
    if how == "missing":
        file.unlink()
    else:
        data = bytearray(file.read_bytes())
        data[-3] ^= 0xFF
        file.write_bytes(bytes(data))
