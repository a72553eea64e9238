"""`crm import` of spreadsheet files saved in other countries: --dry-run says how the file
is read (encoding, delimiter, each date column's order); --date-format, --encoding and
--delimiter say it when the file cannot."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import database_bytes

from .conftest import crm_cmd

PEOPLE = "Name;Email\r\nJürgen Müller;jm@example.de\r\nChloé Dubois;chloe@example.fr\r\n"
ORDERS = ("Email;Order ID;Item;Total;Date\r\n"
          "jm@example.de;E-1;Kaffee;1.234,56;31.01.2024\r\n"
          "chloe@example.fr;E-2;Crème brûlée;12,50;01.02.2024\r\n")
AMBIGUOUS = ("Email,Order ID,Item,Total,Date\n"
             "jm@example.de,U-1,Mug,$10.00,01/02/2024\n"
             "jm@example.de,U-2,Mug,$12.00,03/04/2024\n")


def exported(db: Path, kind: str) -> list[dict[str, object]]:
    result = crm_cmd(db, "export", kind, "--format", "json")
    assert result.returncode == 0, result.stderr
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def test_dry_run_says_encoding_delimiter_and_date_order(tmp_path: Path) -> None:
    db = tmp_path / "crm.db"
    people, orders = tmp_path / "kunden.csv", tmp_path / "bestellungen.csv"
    people.write_bytes(PEOPLE.encode("cp1252"))
    orders.write_bytes(ORDERS.encode("cp1252"))
    assert crm_cmd(db, "import", "customers", str(people)).returncode == 0
    before = database_bytes(db)
    dry = crm_cmd(db, "import", "purchases", str(orders), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines()[:4] == [  # said first, before what would be done
        "would import " + str(orders) + ": 2 rows, 0 with errors",
        "  read as Windows-1252 (Western European), semicolon-separated",
        "  amounts in 'Total': decimal comma, like 1.234,56",
        "  dates in 'Date': day first, like 31.01.2024",
    ]
    assert database_bytes(db) == before

    done = crm_cmd(db, "import", "purchases", str(orders))
    assert done.returncode == 0, done.stderr
    assert "read as Windows-1252 (Western European), semicolon-separated" in done.stderr
    assert "read as" not in done.stdout  # what scripts read is unchanged
    rows = {r["external_id"]: r for r in exported(db, "purchases")}
    assert {k: (r["customer_name"], r["item"], r["total"], r["date"])
            for k, r in rows.items()} == {
        "E-1": ("Jürgen Müller", "Kaffee", 1234.56, "2024-01-31"),
        "E-2": ("Chloé Dubois", "Crème brûlée", 12.5, "2024-02-01")}


def test_an_ambiguous_date_column_asks_for_date_format(tmp_path: Path) -> None:
    db, orders = tmp_path / "crm.db", tmp_path / "orders.csv"
    orders.write_text(AMBIGUOUS)
    (tmp_path / "people.csv").write_text("Name,Email\nJo Ray,jm@example.de\n")
    assert crm_cmd(db, "import", "customers", str(tmp_path / "people.csv")).returncode == 0
    refused = crm_cmd(db, "import", "purchases", str(orders))
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.startswith("crm: error: file: ")
    assert "column 'Date'" in refused.stderr and "--date-format DMY or MDY" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert exported(db, "purchases") == []

    dry = crm_cmd(db, "import", "purchases", str(orders), "--date-format", "MDY", "--dry-run")
    assert "  dates in 'Date': month first" in dry.stdout.splitlines()
    done = crm_cmd(db, "import", "purchases", str(orders), "--date-format", "DMY")
    assert done.returncode == 0, done.stderr
    assert sorted((r["external_id"], r["date"], r["total"])
                  for r in exported(db, "purchases")) == [
        ("U-1", "2024-02-01", 10.0), ("U-2", "2024-04-03", 12.0)]


def test_a_bad_option_value_is_a_clear_error(tmp_path: Path) -> None:
    db, orders = tmp_path / "crm.db", tmp_path / "orders.csv"
    orders.write_text(AMBIGUOUS)
    for option, value in (("--date-format", "DDMMYY"), ("--encoding", "klingon"),
                          ("--delimiter", "::")):
        result = crm_cmd(db, "import", "purchases", str(orders), option, value)
        assert result.returncode == 1 and "Traceback" not in result.stderr, option
        assert result.stderr.startswith(f"crm: error: {option}: "), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_encoding_and_delimiter_options(tmp_path: Path) -> None:
    db, people = tmp_path / "crm.db", tmp_path / "people.txt"
    people.write_bytes("Name~Email\nŠárka Nováková~sarka@example.cz\n".encode("cp1250"))
    result = crm_cmd(db, "import", "customers", str(people), "--encoding", "cp1250",
                     "--delimiter", "~", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "  read as Windows-1250 (Central European), '~'-separated" in result.stdout
    assert crm_cmd(db, "import", "customers", str(people), "--encoding", "cp1250",
                   "--delimiter", "~").returncode == 0
    assert [r["name"] for r in exported(db, "customers")] == ["Šárka Nováková"]
