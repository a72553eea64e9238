"""What the import screen says of a dry run or an import: the counts per kind of record,
the first bad rows by line, and the services' words for the command line (`--map`,
`--date-format`) said as the keys of the screen that do the same."""

from __future__ import annotations

import re

from crm_tui.domain.errors import ValidationError
from crm_tui.domain.wording import counted
from crm_tui.services.exchange.mapping import ColumnMapping
from crm_tui.services.exchange.reports import ImportReport

SHOWN_ERRORS = 3  # the first bad rows, by line; the rest are counted
OUTCOMES = (("created", "new"), ("updated", "updated"), ("unchanged", "unchanged"),
            ("skipped", "skipped"))
# The command line's options in the services' messages, and what does it on the screen.
IN_APP = (
    (re.compile(r"name the order with --date-format DMY or MDY"),
     "choose the order under Dates"),
    (re.compile(r"--date-format DMY or MDY"), "the order under Dates"),
    (re.compile(r"--map ('[^']*')=ignore"), r"enter on \1 in the columns, then ignore"),
    (re.compile(r"\(use --map to choose\)"), "(enter on a column to choose)"),
    (re.compile(r"name them with --map"), "enter on a column to choose its field"),
    (re.compile(r"import it with `crm import (\w+)`"), r"choose \1 under Holds"),
    (re.compile(r"read another sheet with --sheet"), "choose another sheet under Sheet"),
    (re.compile(r"--sheet chooses another"), "Sheet chooses another"),
)


def in_app(text: str) -> str:
    """A service's message with its command-line advice said as this screen's keys."""
    for pattern, words in IN_APP:
        text = pattern.sub(words, text)
    return text


def refusal(exc: ValidationError) -> str:
    """Why a file is refused, in the screen's words; a file's error names the file
    itself, so it needs no "file:" before it."""
    return in_app(exc.message if exc.field == "file" else exc.describe())


def count_lines(report: ImportReport) -> list[str]:
    """What the rows did (or would do), one line per kind of record they touch."""
    return [f"{kind}: " + " · ".join(f"{label} {counts.as_dict()[name]:,}"
                                     for name, label in OUTCOMES)
            for kind, counts in (report.counts or {report.kind: report.count(report.kind)}
                                 ).items()]


def error_lines(report: ImportReport) -> list[str]:
    """The rows left out, and why: the first few by line and field, then how many more."""
    if not report.failed:
        return ["no errors"]
    rows = counted(report.failed, "row")
    lines = [f"{rows} with errors (not imported):"]
    lines.extend(f"  {in_app(error.describe(report.kind))}"
                 for error in report.errors[:SHOWN_ERRORS])
    more = len(report.errors) + report.unlisted - SHOWN_ERRORS
    if more > 0:
        lines.append(f"  … and {more:,} more (crm import {report.kind} FILE --dry-run "
                     "lists them all)")
    return lines


def detected_lines(mapping: ColumnMapping, reading: list[str]) -> list[str]:
    """What the file was recognised as and how it was read (`reading`: the encoding and
    delimiter, then each date and amount column's reading; none when the file was
    refused), then what the mapping warns of. Dates and warnings come before amounts: on
    a short screen the lines past its room are cut, and those matter less."""
    found = mapping.format_name or "no known tool's export"
    dates = [line for line in reading[1:] if line.startswith("dates ")]
    others = [line for line in reading[1:] if not line.startswith("dates ")]
    left = len(mapping.unmapped)
    unmapped = [f"{counted(left, 'column')} not imported"] if left else []
    return [" · ".join([found, *map(in_app, reading[:1])]), *dates,
            *(in_app(note) for note in mapping.warnings), *others, *unmapped]
