"""What `crm import` says of an import and of its revert groups the thousands of every
count ("customers: 2,500 created"), as it does the rows ("2,500 rows"); they read
"2500 created" beside "2,500 rows"."""

from __future__ import annotations

from crm_tui.services.exchange.reports import ImportReport, RevertReport


def test_import_counts_are_grouped() -> None:
    report = ImportReport(kind="customers", file="people.csv", rows=2500)
    report.count("customers").created = 2500
    assert report.summary_lines()[1] == "  customers: 2,500 created"
    report.dry_run = True
    assert report.summary_lines()[1] == "  customers: would create 2,500"


def test_revert_counts_are_grouped() -> None:
    reverted = RevertReport("imp-1", removed={"customers": 2500}, restored={"purchases": 1200})
    assert reverted.summary_lines()[0] == ("reverted imp-1: removed 2,500 customers; "
                                           "restored 1,200 purchases")
