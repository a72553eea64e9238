"""`crm export` as a script would use it: exact columns, filters, formats, pipes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, crm_cmd

SPEC_COLUMNS = ["id", "external_id", "name", "email", "phone", "company", "customer_type",
                "status", "tags", "order_count", "total_spent", "first_order_date",
                "last_order_date", "loyalty_points", "loyalty_tier", "lifecycle_segment",
                "rfm_r", "rfm_f", "rfm_m", "rfm_segment", "churn_risk", "created_at"]


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_customers_csv_has_every_spec_column_computed(small_db: Path) -> None:
    result = crm_cmd(small_db, "export", "customers", "--as-of", "2026-06-15")
    assert result.returncode == 0, result.stderr
    table = rows(result.stdout)
    assert set(SPEC_COLUMNS) <= set(table[0])
    john = next(r for r in table if r["email"] == "john.doe@email.com")
    assert john["total_spent"] == "1200.00" and john["order_count"] == "1"
    assert john["loyalty_points"] == "120" and john["loyalty_tier"] == "Bronze"
    assert john["lifecycle_segment"] == "vip" and john["first_order_date"] == "2026-06-01"
    assert (john["rfm_r"], john["rfm_f"], john["rfm_m"]) == ("5", "1", "3")
    assert john["rfm_segment"] == "New Customers" and john["churn_risk"] == "0.14"
    assert john["created_at"] == "2026-06-15"


def test_formulas_are_neutralised_unless_raw(small_db: Path) -> None:
    safe = rows(crm_cmd(small_db, "export", "customers").stdout)
    evil = next(r for r in safe if r["email"] == "evil@example.com")
    assert evil["name"] == '\'=HYPERLINK("x")' and evil["phone"] == "'+1-555-0100"
    raw = rows(crm_cmd(small_db, "export", "customers", "--raw").stdout)
    evil = next(r for r in raw if r["email"] == "evil@example.com")
    assert evil["name"] == '=HYPERLINK("x")' and evil["phone"] == "+1-555-0100"


def test_filters_by_status_tag_and_segment(small_db: Path) -> None:
    inactive = rows(crm_cmd(small_db, "export", "customers", "--status", "inactive").stdout)
    assert [r["email"] for r in inactive] == ["ann@example.com"]
    vip = rows(crm_cmd(small_db, "export", "customers", "--tag", "VIP").stdout)
    assert [r["email"] for r in vip] == ["john.doe@email.com"]
    prospects = rows(crm_cmd(small_db, "export", "customers", "--segment", "prospect").stdout)
    assert [r["email"] for r in prospects] == ["ann@example.com"]
    purchases = rows(crm_cmd(small_db, "export", "purchases", "--since", "2026-05-15").stdout)
    assert [r["item"] for r in purchases] == ["Laptop"]
    assert purchases[0]["customer_email"] == "john.doe@email.com"


def test_json_jsonl_and_xlsx(small_db: Path, tmp_path: Path) -> None:
    data = json.loads(crm_cmd(small_db, "export", "purchases", "--format", "json").stdout)
    assert sorted(p["total"] for p in data) == [9.99, 1200.0]
    lines = crm_cmd(small_db, "export", "products", "--format", "jsonl").stdout.splitlines()
    assert json.loads(lines[0])["name"] == "Laptop"
    target = tmp_path / "customers.xlsx"
    result = crm_cmd(small_db, "export", "customers", "-o", str(target))
    assert result.returncode == 0 and target.read_bytes()[:2] == b"PK"
    assert "exported 3 records" in result.stderr


def test_export_all_json_is_one_document(small_db: Path) -> None:
    dump = json.loads(crm_cmd(small_db, "export", "all", "--format", "json").stdout)
    assert dump["format"] == "crm-tui-export"
    assert len(dump["customers"]) == 3 and len(dump["purchases"]) == 2


def test_export_to_a_pipe_that_closes_early(small_db: Path) -> None:
    pipeline = (f"{sys.executable} -m crm_tui --db {small_db} export customers -o - | head -2;"
                " echo status=${PIPESTATUS[0]}")
    result = subprocess.run(["bash", "-c", pipeline], capture_output=True, text=True, cwd=ROOT,
                            timeout=120)
    assert result.stdout.splitlines()[0].startswith("id,external_id,name")
    assert "status=0" in result.stdout and "Traceback" not in result.stderr


def test_bad_arguments_give_one_line_errors(small_db: Path, tmp_path: Path) -> None:
    for args in (["export", "nonsense"], ["export", "customers", "--since", "yesterdayish"],
                 ["export", "customers", "--format", "pdf"]):
        result = crm_cmd(small_db, *args)
        assert result.returncode != 0 and "Traceback" not in result.stderr
    missing = crm_cmd(tmp_path / "none.db", "export", "customers")
    assert missing.returncode == 1
    assert missing.stderr.strip().splitlines() == [
        f"crm: error: {tmp_path / 'none.db'}: no database here"]


def test_an_output_that_cannot_be_written_is_named(small_db: Path, tmp_path: Path) -> None:
    missing = tmp_path / "no such folder" / "customers.csv"
    result = crm_cmd(small_db, "export", "customers", "-o", str(missing))
    assert result.returncode == 1
    assert result.stderr == f"crm: error: {missing}: No such file or directory\n"
    folder = crm_cmd(small_db, "export", "customers", "-o", str(tmp_path))
    assert folder.returncode == 2 and f"{tmp_path} is a folder" in folder.stderr
    assert not list(tmp_path.rglob("*.partial"))
