"""Importing customers from CSV: upserts, aliases and --map, bad rows by line, file errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_tui.domain.errors import ValidationError
from crm_tui.services.crm import Crm
from crm_tui.services.exchange.importer import import_file
from crm_tui.services.exchange.mapping import build_mapping, parse_map_options

from .import_support import (
    customers_by_email,
    write_csv,
)

PEOPLE = (
    "Name,E-mail,Phone Number,City,Tags,Customer ID\r\n"
    "John Doe,JOHN.DOE@email.com,+1 555 123 4567,Paris,\"vip, b2b\",C-1\r\n"
    "Mary Ann Smith,mary@example.com,,Rome,,C-2\r\n"
)


def test_reimporting_the_same_file_creates_no_duplicates(crm: Crm, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "people.csv", PEOPLE)
    first = import_file(crm, "customers", path)
    assert (first.created, first.updated, first.failed) == (2, 0, 0)
    again = import_file(crm, "customers", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert len(list(crm.customers.all())) == 2
    john = customers_by_email(crm)["john.doe@email.com"]
    assert (john["first_name"], john["last_name"], john["external_id"]) == ("John", "Doe", "C-1")
    assert john["tags"] == ["vip", "b2b"] and john["addresses"][0]["city"] == "Paris"
    mary = customers_by_email(crm)["mary@example.com"]
    assert (mary["first_name"], mary["last_name"]) == ("Mary Ann", "Smith")


def test_matches_on_email_ignoring_case_or_on_external_id(crm: Crm, tmp_path: Path) -> None:
    existing = crm.customers.create({"first_name": "John", "email": "john.doe@email.com"})
    other = crm.customers.create({"first_name": "Mary", "external_id": "C-2"})
    report = import_file(crm, "customers", write_csv(tmp_path / "p.csv", PEOPLE))
    assert (report.created, report.updated) == (0, 2)
    assert crm.customers.get(existing)["last_name"] == "Doe"
    assert crm.customers.get(other)["email"] == "mary@example.com"


def test_the_same_customer_twice_in_one_file_is_one_customer(crm: Crm, tmp_path: Path) -> None:
    text = "email,first_name,phone\na@x.com,Ann,\nA@X.COM,,+44 20 7946 0958\n"
    report = import_file(crm, "customers", write_csv(tmp_path / "d.csv", text))
    assert (report.created, report.updated) == (1, 1)
    [ann] = crm.customers.all()
    assert (ann["first_name"], ann["phone"]) == ("Ann", "+44 20 7946 0958")


@pytest.mark.parametrize(("policy", "expected"), [("skip", (0, 1, 0)), ("error", (0, 0, 1))])
def test_on_duplicate_skip_or_error(crm: Crm, tmp_path: Path, policy: str,
                                    expected: tuple[int, int, int]) -> None:
    crm.customers.create({"first_name": "John", "email": "john.doe@email.com"})
    path = write_csv(tmp_path / "p.csv", "email,last_name\njohn.doe@email.com,Changed\n")
    report = import_file(crm, "customers", path, on_duplicate=policy)
    assert (report.updated, report.skipped, report.failed) == expected
    assert customers_by_email(crm)["john.doe@email.com"]["last_name"] is None
    if policy == "error":
        assert report.errors[0].field == "email" and report.errors[0].line == 2


def test_blank_cells_leave_stored_values_alone(crm: Crm, tmp_path: Path) -> None:
    crm.customers.create({"first_name": "Ann", "email": "a@x.com", "phone": "+1 555 000 1111"})
    path = write_csv(tmp_path / "p.csv", "email,phone,city\na@x.com,,Rabat\n")
    import_file(crm, "customers", path)
    ann = customers_by_email(crm)["a@x.com"]
    assert ann["phone"] == "+1 555 000 1111" and ann["addresses"][0]["city"] == "Rabat"


def test_aliases_and_computed_export_columns(crm: Crm, tmp_path: Path) -> None:
    text = ("Full Name,Email Address,Mobile,Company Name,State,Country,Zip,Total Spent,"
            "Loyalty Tier,Favourite Colour\n"
            "Ann Lee,ann@x.com,+33 1 23 45 67 89,Acme,Ile-de-France,FR,75001,99.00,Gold,blue\n")
    report = import_file(crm, "customers", write_csv(tmp_path / "a.csv", text))
    assert report.created == 1 and report.failed == 0
    assert report.unmapped == ["Favourite Colour"]
    assert set(report.ignored) == {"Total Spent", "Loyalty Tier"}
    ann = customers_by_email(crm)["ann@x.com"]
    assert ann["company_name"] == "Acme" and ann["phone"] == "+33 1 23 45 67 89"
    assert ann["addresses"][0]["region"] == "Ile-de-France"
    assert ann["addresses"][0]["postal_code"] == "75001"
    assert ann["total_spent"] == 0  # computed columns never overwrite what purchases decide


def test_a_company_without_a_person_is_a_corporate_customer(crm: Crm, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", "Company,Email\nAcme,hi@acme.io\n")
    import_file(crm, "customers", path)
    acme = customers_by_email(crm)["hi@acme.io"]
    assert (acme["kind"], acme["company_name"]) == ("corporate", "Acme")


def test_map_overrides_the_header(crm: Crm, tmp_path: Path) -> None:
    text = "Who,Mail,Notes\nAnn Lee,ann@x.com,likes tea\n"
    path = write_csv(tmp_path / "m.csv", text)
    report = import_file(crm, "customers", path,
                         mapping=parse_map_options(["Who=name", "Mail=email", "Notes=ignore"]))
    assert report.created == 1 and report.unmapped == [] and report.ignored == ["Notes"]
    ann = customers_by_email(crm)["ann@x.com"]
    assert (ann["first_name"], ann["last_name"], ann["notes"]) == ("Ann", "Lee", [])


def test_map_to_an_unknown_field_names_it(crm: Crm, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", "Mail\nann@x.com\n")
    with pytest.raises(ValidationError) as err:
        import_file(crm, "customers", path, mapping={"Mail": "e_mail_adress"})
    assert err.value.field == "map" and "e_mail_adress" in err.value.message
    with pytest.raises(ValidationError) as err:
        import_file(crm, "customers", path, mapping={"Nope": "email"})
    assert err.value.field == "map" and "Nope" in err.value.message
    with pytest.raises(ValidationError) as err:
        parse_map_options(["no-equals-sign"])
    assert err.value.field == "map"


def test_header_names_ignore_case_spaces_dashes_and_underscores() -> None:
    mapping = build_mapping("customers", ["E-MAIL", "first name", "LAST_NAME", "external-id"])
    assert mapping.fields == ["email", "first_name", "last_name", "external_id"]
    purchases = build_mapping("purchases", ["Customer Email", "Customer External ID", "Qty",
                                            "Price", "Total", "Order Date", "Product"])
    assert purchases.fields == ["customer_email", "customer_external_id", "quantity",
                                "unit_price", "total", "date", "item"]
    assert build_mapping("opportunities", ["Name", "Customer"]).fields == ["name",
                                                                         "customer_name"]


def test_bad_rows_are_reported_by_line_and_good_rows_import(crm: Crm, tmp_path: Path) -> None:
    text = (
        "name,email,created\r\n"  # "created" is nothing of ours: reported, not fatal
        "Ann Lee,ann@x.com,x\r\n"
        "Bad Mail,not-an-email,x\r\n"
        "\"Multi\r\nLine\",multi@x.com,x\r\n"  # a quoted cell over two physical lines
        "Too,many,cells,here\r\n"
        "\r\n"
        "Zed Last,zed@x.com,x\r\n"
        ",,\r\n"
    )
    report = import_file(crm, "customers", write_csv(tmp_path / "bad.csv", text))
    assert report.created == 3 and report.rows == 5 and report.failed == 2
    assert [(e.line, e.field) for e in report.errors] == [(3, "email"), (6, "row")]
    assert "not-an-email" in report.errors[0].message
    assert "4 cells" in report.errors[1].message and "3" in report.errors[1].message
    assert set(customers_by_email(crm)) == {"ann@x.com", "multi@x.com", "zed@x.com"}
    assert report.unmapped == ["created"]


def test_every_bad_field_of_a_row_is_named(crm: Crm, tmp_path: Path) -> None:
    text = "first_name,email,phone,status\nAnn,bad@@x,12,sleeping\n"
    report = import_file(crm, "customers", write_csv(tmp_path / "b.csv", text))
    assert {e.field for e in report.errors} == {"email", "phone", "status"}
    assert {e.line for e in report.errors} == {2}


def test_bom_and_neutralised_cells_round_trip(crm: Crm, tmp_path: Path) -> None:
    text = ("name,email,company,phone\r\n"
            "Eve,eve@x.com,'=HYPERLINK(\"x\"),'+1 555 123 4567\r\n"
            "Bob,bob@x.com,'plain quote,\r\n")
    report = import_file(crm, "customers", write_csv(tmp_path / "bom.csv", text, bom=True))
    assert report.created == 2 and report.unmapped == []
    people = customers_by_email(crm)
    assert people["eve@x.com"]["company"] == '=HYPERLINK("x")'
    assert people["eve@x.com"]["phone"] == "+1 555 123 4567"
    assert people["bob@x.com"]["company"] == "'plain quote"  # not one of ours: kept


@pytest.mark.parametrize(("content", "problem"), [
    (b"", "empty"),
    (b"\n\n  \n", "empty"),
    # Marked UTF-8, yet not UTF-8 (unmarked, it would read as Windows-1252).
    (b"\xef\xbb\xbfname,email\nJos\xe9,j@x.com\n", "UTF-8"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
])
def test_a_file_that_is_not_csv_text_names_the_file(crm: Crm, tmp_path: Path, content: bytes,
                                                     problem: str) -> None:
    path = tmp_path / "broken.csv"
    path.write_bytes(content)
    with pytest.raises(ValidationError) as err:
        import_file(crm, "customers", path)
    assert err.value.field == "file" and str(path) in err.value.message
    assert problem in err.value.message
    assert len(crm.db.table("customers")) == 0


def test_missing_file_and_unknown_kind(crm: Crm, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as err:
        import_file(crm, "customers", tmp_path / "nope.csv")
    assert err.value.field == "file"
    with pytest.raises(ValidationError) as err:
        import_file(crm, "planets", tmp_path / "nope.csv")
    assert err.value.field == "kind"
    with pytest.raises(ValidationError) as err:
        import_file(crm, "customers", tmp_path / "nope.csv", on_duplicate="merge")
    assert err.value.field == "on_duplicate"


def test_another_systems_id_column_is_the_external_id(crm: Crm, tmp_path: Path) -> None:
    text = "ID,Name\n1001,Ann Lee\n"
    report = import_file(crm, "customers", write_csv(tmp_path / "f.csv", text))
    again = import_file(crm, "customers", write_csv(tmp_path / "f.csv", text))
    assert (report.created, again.unchanged) == (1, 1) and "external_id" in report.warnings[0]
    assert crm.customers.find_by_external_id("1001") is not None
    ours = build_mapping("customers", ["id", "external_id", "name", "created_at"])
    assert ours.fields == ["id", "external_id", "name", "created_at"] and not ours.warnings


def test_a_file_with_no_known_column_says_so(crm: Crm, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "odd.csv", "Foo,Bar\n1,2\n")
    with pytest.raises(ValidationError) as err:
        import_file(crm, "customers", path)
    assert err.value.field == "file" and "--map" in err.value.message
