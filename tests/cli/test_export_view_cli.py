"""`crm export customers --view NAME`: exactly the rows the saved view shows, in its order."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from crm_tui.services.context import Clock
from crm_tui.services.crm import Crm
from crm_tui.services.customer_list import ListQuery

from .conftest import AS_OF, copy_of, crm_cmd

BIG_SPENDERS = ListQuery(text="a", status="active", sort="spent", descending=True)


def saved(db: Path, name: str, query: ListQuery) -> list[int]:
    """Save a view; the ids the customers screen shows for it."""
    crm = Crm.open(db, clock=Clock.at(AS_OF), staff="alice")
    try:
        crm.views.save(name, query)
        return crm.customer_list.query(crm.views.get(name).query)
    finally:
        crm.close()


def test_view_exports_the_screens_rows_in_order(demo_db: Path, tmp_path: Path) -> None:
    db = copy_of(demo_db, tmp_path)
    shown = saved(db, "Big spenders", BIG_SPENDERS)
    everyone = crm_cmd(db, "export", "customers", "--as-of", "2026-06-15")
    result = crm_cmd(db, "export", "customers", "--view", "big SPENDERS",
                     "--as-of", "2026-06-15")
    assert result.returncode == 0, result.stderr
    table = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert 0 < len(table) < len(everyone.stdout.splitlines()) - 1
    assert [int(r["id"]) for r in table] == shown
    spent = [float(r["total_spent"]) for r in table]
    assert spent == sorted(spent, reverse=True)


def test_view_picks_the_records_of_its_customers(demo_db: Path, tmp_path: Path) -> None:
    db = copy_of(demo_db, tmp_path)
    shown = set(saved(db, "VIPs", ListQuery(segment="lifecycle:vip")))
    result = crm_cmd(db, "export", "purchases", "--view", "VIPs", "--as-of", "2026-06-15")
    assert result.returncode == 0, result.stderr
    owners = {int(r["customer_id"]) for r in csv.DictReader(io.StringIO(result.stdout))}
    assert owners and owners <= shown


def test_unknown_view_lists_the_views(small_db: Path) -> None:
    saved(small_db, "Hot leads", ListQuery(tag="vip"))
    result = crm_cmd(small_db, "export", "customers", "--view", "nope")
    assert result.returncode != 0 and result.stdout == ""
    assert "--view" in result.stderr and "no view is named 'nope'" in result.stderr
    assert "Hot leads" in result.stderr and "Traceback" not in result.stderr
