"""Import files as spreadsheets and other tools save them: the encoding and the delimiter are
found from the file (and said), or given when finding them goes wrong."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import pytest

from crm_tui.domain.errors import ValidationError
from crm_tui.services.crm import Crm
from crm_tui.services.exchange import csv_rows
from crm_tui.services.exchange.csv_rows import CsvSource, ReadOptions
from crm_tui.services.exchange.file_format import scan, sniff_delimiter
from crm_tui.services.exchange.importer import import_file
from crm_tui.services.exchange.mapping import build_mapping
from crm_tui.services.exchange.read_ahead import WORTH_LINES

from .import_support import customers_by_email

# Excel on Windows in Germany or France: Windows-1252, ";" between columns, decimal commas,
# day-first dates with dots, CRLF.
EUROPE_CUSTOMERS = (
    "Name;Email;Company;City;Zip\r\n"
    "Jürgen Müller;jm@example.de;Müller & Söhne GmbH;Köln;50667\r\n"
    "Chloé Dubois;chloe@example.fr;Café Crème;Besançon;25000\r\n"
    "Zoë Ørsted;zoe@example.dk;;Århus;8000\r\n"
)
EUROPE_ORDERS = (
    "Email;Order ID;Item;Qty;Price;Total;Date\r\n"
    "jm@example.de;E-1;Espresso-Maschine;1;1.234,56;1.234,56;31.01.2024\r\n"
    "chloe@example.fr;E-2;Crème brûlée;3;4,50;13,50 €;01.02.2024\r\n"
    "zoe@example.dk;E-3;Smørrebrød;2;12,00;24,00;15.03.2024\r\n"
)


def write(path: Path, text: str, encoding: str) -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def purchases(crm: Crm) -> dict[str, dict[str, Any]]:
    return {p["external_id"]: p for p in crm.db.table("purchases").all()}


def test_excel_windows_europe_imports_value_by_value(crm: Crm, tmp_path: Path) -> None:
    people = import_file(crm, "customers",
                         write(tmp_path / "kunden.csv", EUROPE_CUSTOMERS, "cp1252"))
    assert (people.created, people.failed) == (3, 0)
    assert people.reading[0] == "read as Windows-1252 (Western European), semicolon-separated"
    by_email = customers_by_email(crm)
    jm, chloe, zoe = (by_email[e] for e in ("jm@example.de", "chloe@example.fr",
                                            "zoe@example.dk"))
    assert (jm["first_name"], jm["last_name"], jm["company"]) == (
        "Jürgen", "Müller", "Müller & Söhne GmbH")
    assert (chloe["first_name"], chloe["last_name"], chloe["company"]) == (
        "Chloé", "Dubois", "Café Crème")
    assert (zoe["first_name"], zoe["last_name"]) == ("Zoë", "Ørsted")
    assert [(a["city"], a["postal_code"]) for a in jm["addresses"]] == [("Köln", "50667")]
    assert [a["city"] for a in chloe["addresses"]] == ["Besançon"]

    orders = import_file(crm, "purchases",
                         write(tmp_path / "bestellungen.csv", EUROPE_ORDERS, "cp1252"))
    assert (orders.created, orders.failed) == (3, 0)
    stored = purchases(crm)
    assert {k: (p["item"], p["quantity"], p["unit_price"], p["total"], p["date"])
            for k, p in stored.items()} == {
        "E-1": ("Espresso-Maschine", 1, 123456, 123456, "2024-01-31"),
        "E-2": ("Crème brûlée", 3, 450, 1350, "2024-02-01"),
        "E-3": ("Smørrebrød", 2, 1200, 2400, "2024-03-15"),
    }
    assert stored["E-1"]["customer_id"] == jm["id"]
    assert orders.reading == [
        "read as Windows-1252 (Western European), semicolon-separated",
        "numbers in 'Qty': decimal comma",
        "amounts in 'Price': decimal comma, like 1.234,56",
        "amounts in 'Total': decimal comma, like 1.234,56",
        "dates in 'Date': day first, like 31.01.2024",
    ]
    profile = crm.customers.profile(jm["id"])
    assert profile.totals.total_spent_cents == 123456


@pytest.mark.parametrize(("encoding", "label"), [
    ("utf-16", "UTF-16 LE"),  # Python writes the machine's order with a BOM: little-endian
    ("utf-16-be", "UTF-16 BE (no BOM)"),
    ("utf-16-le", "UTF-16 LE (no BOM)"),
])
def test_utf16_tab_separated(crm: Crm, tmp_path: Path, encoding: str, label: str) -> None:
    """Excel's "Unicode text" is UTF-16 with a BOM, tab-separated."""
    text = EUROPE_ORDERS.replace(";", "\t")
    data = text.encode(encoding)
    if encoding == "utf-16":
        assert data.startswith(codecs.BOM_UTF16_LE)
    import_file(crm, "customers", write(tmp_path / "c.csv", EUROPE_CUSTOMERS, "cp1252"))
    report = import_file(crm, "purchases", write(tmp_path / "o.txt", text, encoding))
    assert (report.created, report.failed) == (3, 0)
    assert report.reading[0] == f"read as {label}, tab-separated"
    assert {k: (p["item"], p["total"], p["date"]) for k, p in purchases(crm).items()} == {
        "E-1": ("Espresso-Maschine", 123456, "2024-01-31"),
        "E-2": ("Crème brûlée", 1350, "2024-02-01"),
        "E-3": ("Smørrebrød", 2400, "2024-03-15"),
    }


def test_utf8_with_bom_pipe_delimited(crm: Crm, tmp_path: Path) -> None:
    text = ("Name|Email|Tags\n"
            "Siân Llŷr|sian@example.cymru|\"vip, wales\"\n"
            "Ana Peña|ana@example.es|\n")
    report = import_file(crm, "customers", write(tmp_path / "p.csv", "\ufeff" + text, "utf-8"))
    assert (report.created, report.failed, report.unmapped) == (2, 0, [])
    assert report.reading == ["read as UTF-8 with BOM, pipe-separated"]
    sian = customers_by_email(crm)["sian@example.cymru"]
    assert (sian["first_name"], sian["last_name"], sian["tags"]) == (
        "Siân", "Llŷr", ["vip", "wales"])
    assert customers_by_email(crm)["ana@example.es"]["last_name"] == "Peña"


def test_cyrillic_and_central_european_code_pages(crm: Crm, tmp_path: Path) -> None:
    """Not every file that is not UTF-8 is Windows-1252: charset-normalizer tells the
    others (a Russian or Polish Excel saves its own Windows code page)."""
    russian = ("Name,Email,City\nИван Петров,ivan@example.ru,Москва\n"
               "Мария Иванова,maria@example.ru,Санкт-Петербург\n"
               "Ольга Кузнецова,olga@example.ru,Казань\n")
    report = import_file(crm, "customers", write(tmp_path / "ru.csv", russian, "cp1251"))
    assert report.reading[0] == "read as Windows-1251 (Cyrillic), comma-separated"
    assert customers_by_email(crm)["ivan@example.ru"]["last_name"] == "Петров"
    polish = ("Name,Email,City\nŁukasz Wójcik,lw@example.pl,Łódź\n"
              "Małgorzata Wiśniewska,mw@example.pl,Kraków\n"
              "Grzegorz Brzęczyszczykiewicz,gb@example.pl,Chrząszczyżewoszyce\n")
    report = import_file(crm, "customers", write(tmp_path / "pl.csv", polish, "cp1250"))
    assert report.reading[0] == "read as Windows-1250 (Central European), comma-separated"
    assert customers_by_email(crm)["lw@example.pl"]["first_name"] == "Łukasz"
    assert customers_by_email(crm)["mw@example.pl"]["last_name"] == "Wiśniewska"
    assert customers_by_email(crm)["gb@example.pl"]["last_name"] == "Brzęczyszczykiewicz"


def test_latin1_bytes_windows_1252_lacks_still_read(tmp_path: Path) -> None:
    """A file that reads as Windows-1252 but for a byte it has no character for (0x81,
    far down) is read as ISO-8859-1, which has one for every byte."""
    path = tmp_path / "odd.csv"
    path.write_bytes(b"name,email\n" + b"Jos\xe9 Mart\xedn,j@x.com\n" * 5000
                     + b"Odd \x81,o@x.com\n")
    encoding, lines = scan(path)
    assert (encoding.codec, encoding.label, lines) == ("iso8859-1", "ISO-8859-1 (Latin-1)",
                                                       5002)


def test_encoding_and_delimiter_given(crm: Crm, tmp_path: Path) -> None:
    """When finding goes wrong, the user says: a Windows-1250 file of names Windows-1252
    also has characters for, with a delimiter that splits nothing in the header."""
    text = "Name~Email\nŠárka Nováková~sarka@example.cz\n"
    path = write(tmp_path / "cz.csv", text, "cp1250")
    report = import_file(crm, "customers", path,
                         reading=ReadOptions(encoding="cp1250", delimiter="~"))
    assert (report.created, report.failed) == (1, 0)
    assert report.reading == ["read as Windows-1250 (Central European), '~'-separated"]
    assert customers_by_email(crm)["sarka@example.cz"]["first_name"] == "Šárka"
    with pytest.raises(ValidationError) as err:
        ReadOptions(encoding="klingon")
    assert err.value.field == "encoding"
    with pytest.raises(ValidationError) as err:
        ReadOptions(delimiter=";;")
    assert err.value.field == "delimiter"
    assert ReadOptions(delimiter="tab").delimiter == "\t"


def test_a_named_encoding_the_file_is_not_is_a_file_error(crm: Crm, tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "Name,Email\nJosé,j@x.com\n", "cp1252")
    with pytest.raises(ValidationError) as err:
        import_file(crm, "customers", path, reading=ReadOptions(encoding="utf-8"))
    assert err.value.field == "file" and "bad byte at offset 14" in err.value.message
    assert len(crm.db.table("customers")) == 0


@pytest.mark.parametrize(("lines", "expected"), [
    (["a,b,c\n", "1,2,3\n"], ","),
    (["a;b;c\r\n", "1,5;2,5;3\r\n", "4;5;6\r\n"], ";"),
    (["a\tb\n", "x, y\tz; w\n"], "\t"),
    (["a|b|c\n", "1|2|3\n"], "|"),
    # A quoted cell holding the others does not count; nor does a bad row out of many.
    (['name,notes\n', '"Lee; Ann","a|b;c"\n', 'x,y\n', 'broken\n', 'p,q\n'], ","),
    (["name;amount (EUR, net)\n", "Ann;1,50\n", "Bob;2,50\n"], ";"),
    (["just one column\n", "value\n"], ","),
])
def test_delimiter_sniffed(lines: list[str], expected: str) -> None:
    assert sniff_delimiter(lines) == expected


def test_a_large_file_is_read_ahead_as_decided_here(crm: Crm, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A file big enough for the reading process: the child reads with the layout this
    process found (code page, delimiter, day-first dates decided from a later row)."""
    monkeypatch.setattr(csv_rows, "LOOK_AHEAD", 100)
    rows = WORTH_LINES + 10
    lines = ["Order ID;Customer ID;Customer Name;Item;Total;Date"]
    lines += [f"N-{i};K{i % 50};Kunde Nr. {i % 50} Müller;Brötchen;{i % 90 + 1},25;"
              f"{i % 9 + 1:02d}/{i // 9 % 9 + 1:02d}/2024" for i in range(rows - 1)]
    lines.append("N-last;K1;Kunde Nr. 1 Müller;Käse;1.000,00;31/12/2024")  # tells the order
    path = write(tmp_path / "gross.csv", "\r\n".join(lines) + "\r\n", "cp1252")
    report = import_file(crm, "purchases", path)
    assert (report.created, report.failed) == (rows, 0)
    stored = purchases(crm)
    assert (stored["N-0"]["total"], stored["N-0"]["date"]) == (125, "2024-01-01")
    assert (stored["N-13"]["total"], stored["N-13"]["date"]) == (1425, "2024-02-05")
    assert (stored["N-last"]["item"], stored["N-last"]["total"]) == ("Käse", 100000)
    assert stored["N-last"]["date"] == "2024-12-31"
    assert crm.customers.find_by_external_id("K7")["last_name"] == "Müller"


def test_the_file_is_streamed_not_loaded(tmp_path: Path) -> None:
    """Settling a file's columns keeps at most LOOK_AHEAD rows, whatever its size."""
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("email,item,total,date\n")
        for i in range(csv_rows.LOOK_AHEAD * 3):
            out.write(f"p{i}@x.com,Pen,{i}.50,2024-01-02\n")
    with CsvSource(path) as source:
        mapping = build_mapping("purchases", source.header)
        source.settle(mapping)
        assert len(source._ahead) == csv_rows.LOOK_AHEAD
        assert sum(1 for _ in source.rows(mapping)) == csv_rows.LOOK_AHEAD * 3
