"""Names that pick something (a segment, a tag, a status, a customer) and pick nothing, or
more than one thing: exit status 2, one line saying so on stderr, then what there is."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from .conftest import AS_OF, copy_of, crm_cmd

DAY = AS_OF.isoformat()


def refused(db: Path, *args: str) -> list[str]:
    """The stderr lines of a command that must be refused as a usage error."""
    result = crm_cmd(db, *args)
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert result.stdout == "" and "Traceback" not in result.stderr
    return result.stderr.splitlines()


def test_an_unknown_segment_lists_every_segment(demo_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    first, *rest = refused(demo_db, "export", "customers", "--segment", "NoSuchSegment",
                           "-o", str(target))
    assert first == "crm: error: --segment: no segment is named 'NoSuchSegment'; there are:"
    assert rest[:3] == [
        "  lifecycle: prospect, inactive, at_risk, vip, returning, new",
        "  rfm: New Customers, Champions, Lost, At Risk, VIP, Loyal Customers, "
        "Potential Loyalists",
        "  tier: New, Bronze, Silver, Gold, Platinum, VIP"]
    assert rest[3].startswith("  custom: ") and "write kind:name" in rest[4]
    assert not target.exists() and not list(tmp_path.iterdir())  # not even an empty file


@pytest.mark.parametrize(("name", "readings"), [
    ("vip", ["lifecycle:vip", "rfm:VIP", "tier:VIP"]),
    ("At Risk", ["lifecycle:at_risk", '"rfm:At Risk"']),
])
def test_an_ambiguous_segment_says_how_to_write_each_reading(
        demo_db: Path, name: str, readings: list[str]) -> None:
    first, *rest = refused(demo_db, "export", "purchases", "--segment", name)
    assert first == (f"crm: error: --segment: {name!r} could mean any of these; "
                     "write the one you mean:")
    assert rest == [f"  {reading}" for reading in readings]


def test_a_segment_written_out_exports_exactly_its_members(demo_db: Path) -> None:
    everyone = list(csv.DictReader(io.StringIO(
        crm_cmd(demo_db, "export", "customers", "--as-of", DAY).stdout)))
    for segment, column, value in (("lifecycle:vip", "lifecycle_segment", "vip"),
                                   ("tier:VIP", "loyalty_tier", "VIP"),
                                   ("champions", "rfm_segment", "Champions")):
        result = crm_cmd(demo_db, "export", "customers", "--as-of", DAY, "--segment", segment)
        assert result.returncode == 0, result.stderr
        picked = [row["id"] for row in csv.DictReader(io.StringIO(result.stdout))]
        expected = [row["id"] for row in everyone if row[column] == value]
        assert picked == expected and 0 < len(expected) < len(everyone), segment


def test_an_unknown_tag_or_status_lists_those_in_use(demo_db: Path) -> None:
    first, *rest = refused(demo_db, "export", "customers", "--tag", "nosuch")
    assert first == "crm: error: --tag: no customer has the tag 'nosuch'; the tags in use are:"
    assert "vip" in rest[0].split(", ")
    assert refused(demo_db, "export", "tasks", "--status", "asleep") == [
        "crm: error: --status: 'asleep' is not a customer status; there are:",
        "  active, inactive"]


@pytest.mark.parametrize("command", [("gdpr", "export"), ("gdpr", "erase", "--yes")])
def test_an_unknown_customer_in_gdpr_says_which_exist(demo_db: Path, tmp_path: Path,
                                                      command: tuple[str, ...]) -> None:
    db = copy_of(demo_db, tmp_path)
    for key in ("99999", "nobody@nowhere.example"):
        first, hint = refused(db, *command[:2], key, *command[2:])
        assert first == (f"crm: error: customer: no customer has the id, email or external "
                         f"id {key!r}")
        assert hint == ("  customers have ids 1 to 300; give an id, an email or an "
                        "external id")


def test_a_customer_found_by_part_of_a_name_is_suggested(demo_db: Path) -> None:
    lines = refused(demo_db, "gdpr", "export", "example.net")
    assert lines[2] == "  names and emails containing it:"
    assert 1 <= len(lines[3:]) <= 5 and all("example.net" in line for line in lines[3:])
