"""What the import screen reads of a file before importing: its header (found as an
import reads it) and the kind of records it holds (the recognised tool's export, else the
kind whose fields its columns name most)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_tui.domain.errors import ValidationError
from crm_tui.services.exchange.file_preview import detected_kind, read_header

CORPUS = Path(__file__).resolve().parent / "corpus"


@pytest.mark.parametrize(("name", "kind"), [
    ("shopify_customers_export.csv", "customers"), ("shopify_orders_export.csv", "purchases"),
    ("hubspot_contacts_export.csv", "customers"), ("zoho_contacts_export.csv", "customers"),
    ("mailchimp_subscribed_members_export.csv", "customers")])
def test_a_tools_export_holds_its_kind(name: str, kind: str) -> None:
    assert detected_kind(read_header(CORPUS / name)) == kind


@pytest.mark.parametrize(("header", "kind"), [
    (["Product Name", "Price", "SKU", "Category"], "products"),
    (["Customer", "Order Date", "Qty", "Unit Price", "Item"], "purchases"),
    (["Task", "Due", "Assignee", "Email"], "tasks"),
    (["Mail", "Full Name", "Town"], "customers"),
    (["colour", "weight"], "customers"),  # nothing named: customers, as the CLI's first kind
])
def test_any_other_header_holds_the_kind_it_names_most(header: list[str], kind: str) -> None:
    assert detected_kind(header) == kind


def test_the_header_is_read_as_an_import_reads_it(tmp_path: Path) -> None:
    excel = tmp_path / "excel.csv"  # what Excel saves in a French locale
    excel.write_bytes("Nom;Prénom;Société\r\nGarnier;Chloé;Lumière\r\n".encode("cp1252"))
    assert read_header(excel) == ["Nom", "Prénom", "Société"]


def test_a_file_that_is_not_csv_is_refused_by_name(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ValidationError, match=r"empty\.csv: is empty"):
        read_header(empty)
