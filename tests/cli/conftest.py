"""Run the real `crm` command (as `python -m crm_tui`) against a small database, or against
demo data (`demo_db`: read it as it is, or copy it with `copy_of` to change it)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from crm_tui.services.context import Clock
from crm_tui.services.crm import Crm
from crm_tui.services.demo import fill_demo

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 6, 15)


def crm_cmd(db: Path | None, *args: str, stdin: str | None = None,
            **kwargs: object) -> subprocess.CompletedProcess[str]:
    """`crm --db DB ARGS...` piped; with `db` None, just `crm ARGS...`."""
    where = [] if db is None else ["--db", str(db)]
    return subprocess.run([sys.executable, "-m", "crm_tui", *where, *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=120,
                          input=stdin, **kwargs)  # type: ignore[call-overload]


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    """Three customers (one with formula-looking text), a product, purchases."""
    path = tmp_path / "crm.db"
    crm = Crm.open(path, clock=Clock.at(AS_OF), staff="alice")
    john = crm.customers.create({"first_name": "John", "last_name": "Doe",
                                 "email": "john.doe@email.com", "tags": ["vip"]})
    evil = crm.customers.create({"kind": "corporate", "company_name": '=HYPERLINK("x")',
                                 "phone": "+1-555-0100", "email": "evil@example.com"})
    crm.customers.create({"first_name": "Ann", "last_name": "Lee", "email": "ann@example.com",
                          "status": "inactive"})
    laptop = crm.products.create({"name": "Laptop", "price": "1200", "category": "Hardware"})
    crm.sales.record({"customer_id": john, "product_id": laptop, "date": "2026-06-01"})
    crm.sales.record({"customer_id": evil, "item": "Cable", "total": "9.99",
                      "date": "2026-05-01"})
    crm.close()
    return path


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 demo customers with two years of history up to AS_OF. Shared: do not change it."""
    path = tmp_path_factory.mktemp("demo") / "crm.db"
    crm = Crm.open(path, clock=Clock.at(AS_OF), staff="alice")
    fill_demo(crm, customers=300, seed=5, as_of=AS_OF)
    crm.close()
    return path


def copy_of(db: Path, folder: Path) -> Path:
    """A copy of a database to change (in `folder`, a test's own tmp_path)."""
    target = folder / f"copy-{len(list(folder.glob('copy-*')))}.db"
    shutil.copytree(db, target)
    return target
