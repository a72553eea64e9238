"""`crm import` of another tool's export as a user runs it: the dry run names the format,
shows how each column is read and says what would happen, writing nothing."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import database_bytes

from .conftest import crm_cmd

CORPUS = Path(__file__).resolve().parents[1] / "exchange" / "corpus"


def test_a_dry_run_of_a_shopify_orders_export(tmp_path: Path) -> None:
    db = tmp_path / "crm.db"
    customers = crm_cmd(db, "import", "customers", str(CORPUS / "shopify_customers_export.csv"))
    assert customers.returncode == 1 and "line 5: email:" in customers.stderr
    assert "format: Shopify customers export" in customers.stdout
    before = database_bytes(db)
    dry = crm_cmd(db, "import", "purchases", str(CORPUS / "shopify_orders_export.csv"),
                  "--dry-run")
    assert dry.returncode == 1  # two orders have bad rows: said, as an import would
    out = dry.stdout.splitlines()
    assert out[0].startswith("would import ") and "15 rows, 5 with errors" in out[0]
    for line in ("  format: Shopify orders export", "  columns:", "    Name -> external_id",
                 "    Email -> customer_email", "    Financial Status -> status",
                 "    Lineitem quantity -> line_quantity", "    Lineitem name -> line_item",
                 "    Lineitem price -> line_unit_price", "    Lineitem sku -> line_sku",
                 "    Discount Amount -> discount", "  purchases: would create 7",
                 "  customers: would create 1"):
        assert line in out, line
    assert any(line.startswith("  columns not imported: ") and "Currency" in line
               for line in out)
    assert "line 12: line_quantity:" in dry.stderr and "line 15: row:" in dry.stderr
    assert database_bytes(db) == before
