"""`crm demo` fills a database deterministically; `crm report` prints the summary."""

from __future__ import annotations

from pathlib import Path

from .conftest import crm_cmd


def test_demo_then_report(tmp_path: Path) -> None:
    db = tmp_path / "crm.db"
    filled = crm_cmd(db, "demo", "--customers", "60", "--as-of", "2026-06-15")
    assert filled.returncode == 0, filled.stderr
    assert "60 customers" in filled.stdout
    again = crm_cmd(db, "demo", "--customers", "60", "--as-of", "2026-06-15")
    assert again.returncode == 1 and "database" in again.stderr  # refuses a filled one
    report = crm_cmd(db, "report", "--as-of", "2026-06-15")
    assert report.returncode == 0
    for heading in ("CRM SUMMARY REPORT", "CUSTOMER METRICS:", "SALES METRICS:",
                    "SALES PIPELINE:", "TOP 5 CUSTOMERS:"):
        assert heading in report.stdout
    assert "Total Customers: 60" in report.stdout


def test_same_seed_same_report(tmp_path: Path) -> None:
    reports = []
    for name in ("a.db", "b.db"):
        db = tmp_path / name
        crm_cmd(db, "demo", "--customers", "40", "--seed", "7", "--as-of", "2026-06-15")
        reports.append(crm_cmd(db, "report", "--as-of", "2026-06-15").stdout)
    assert reports[0] == reports[1]
