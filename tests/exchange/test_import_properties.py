"""Property: whatever a CSV file holds, an import raises nothing but a ValidationError naming
the file; everything else is a per-row error with a real line number and a field."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm_tui.domain.errors import ValidationError
from crm_tui.services.crm import Crm
from crm_tui.services.exchange.importer import import_file
from crm_tui.services.exchange.mapping import ALIASES, KINDS

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
NAMES = sorted({name for table in ALIASES.values() for name in table})
CELLS = st.one_of(
    st.sampled_from(["", " ", "ann@x.com", "ANN@X.COM", "bad@@x", "12.50", "-5", "1e400",
                     "2026-06-01", "15/06/2026", "yes", "no", "=1+1", "'=HYPERLINK(\"x\")",
                     "'+1 555 123 4567", "Ann Lee", "1", "0", "999999999999", "vip, b2b",
                     "Proposal", "phone", "completed", "Laptop", "\"", "a\nb", "x\r\ny"]),
    TEXT,
)
HEADER = st.lists(st.one_of(st.sampled_from(NAMES), TEXT), min_size=1, max_size=6)


@st.composite
def csv_text(draw: st.DrawFn) -> str:
    header = draw(HEADER)
    rows = draw(st.lists(st.lists(CELLS, max_size=7), max_size=6))
    if draw(st.booleans()):  # well-formed RFC 4180, cells quoted as needed
        out = io.StringIO()
        writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\r\n", "\n", "\r"])))
        writer.writerow(header)
        writer.writerows(rows)
        return out.getvalue()
    # Hand-joined: stray quotes, ragged rows, mixed line ends.
    ends = st.sampled_from(["\n", "\r\n", "\r", ""])
    return "".join(",".join(line) + draw(ends) for line in [header, *rows])


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=st.one_of(csv_text(), TEXT), kind=st.sampled_from(KINDS),
       policy=st.sampled_from(["update", "skip", "error"]), dry_run=st.booleans(),
       bom=st.booleans())
def test_any_csv_gives_row_errors_or_a_file_error(crm: Crm, tmp_path: Path, text: str,
                                                   kind: str, policy: str, dry_run: bool,
                                                   bom: bool) -> None:
    path = tmp_path / "any.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    try:
        report = import_file(crm, kind, path, on_duplicate=policy, dry_run=dry_run)
    except ValidationError as exc:
        assert exc.field == "file" and str(path) in exc.message
        return
    lines = max(text.count("\n") + text.count("\r") - text.count("\r\n"), 0) + 1
    for error in report.errors:
        assert 2 <= error.line <= lines and error.field and error.message
    assert report.failed <= report.rows
    done = sum(sum(c.as_dict().values()) for name, c in report.counts.items() if name == kind)
    assert done + report.failed == report.rows


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=64))
def test_any_bytes_give_row_errors_or_a_file_error(crm: Crm, tmp_path: Path,
                                                   data: bytes) -> None:
    path = tmp_path / "any.csv"
    path.write_bytes(data)
    try:
        import_file(crm, "customers", path)
    except ValidationError as exc:
        assert exc.field == "file" and str(path) in exc.message
