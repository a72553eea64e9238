"""What an import, a dry run or a revert reports: counts per record kind, every bad row by
line number with the field and the reason, and the columns the file had that nothing used.

These are plain dataclasses so the CLI prints them, the TUI shows them and tests compare them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crm_tui.domain.wording import counted

# Past this many, bad rows are counted but not itemised (a wrong file can have a million).
MAX_ITEMISED_ERRORS = 10_000
OUTCOMES = ("created", "updated", "unchanged", "skipped")


@dataclass(frozen=True)
class RowError:
    """One problem with one row: the file's line number (the header is line 1; a quoted cell
    spanning lines counts every line), the field, and what is wrong. `kind` says which record
    kind the row was for, in imports that bring in several (legacy, all)."""

    line: int
    field: str
    message: str
    kind: str = ""

    def describe(self, main_kind: str = "") -> str:
        where = f"{self.kind} " if self.kind and self.kind != main_kind else ""
        return f"{where}line {self.line}: {self.field}: {self.message}"


@dataclass
class Counts:
    """Per record kind: what the rows did (or, in a dry run, would do)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0

    def add(self, outcome: str, n: int = 1) -> None:
        setattr(self, outcome, getattr(self, outcome) + n)

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in OUTCOMES}


@dataclass
class ImportReport:
    kind: str
    file: str
    dry_run: bool = False
    batch_id: str | None = None  # None for a dry run
    rows: int = 0  # data rows read (blank lines aside)
    failed: int = 0  # rows not imported because of errors
    counts: dict[str, Counts] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)  # columns nothing maps to
    ignored: list[str] = field(default_factory=list)  # known computed columns (export output)
    warnings: list[str] = field(default_factory=list)
    format: str | None = None  # the tool's export the file was recognised as, if any
    columns: list[tuple[str, str]] = field(default_factory=list)  # (column, field) imported
    unlisted: int = 0  # errors past MAX_ITEMISED_ERRORS, counted only
    # How the file was read: its encoding and delimiter, how each date and amount column
    # is read (csv_rows.CsvLayout.describe).
    reading: list[str] = field(default_factory=list)

    def count(self, kind: str) -> Counts:
        counts = self.counts.get(kind)
        if counts is None:  # not setdefault: it would make a Counts for every row tallied
            counts = self.counts[kind] = Counts()
        return counts

    # The counts of the kind being imported, for the common single-kind case.
    @property
    def created(self) -> int:
        return self.count(self.kind).created

    @property
    def updated(self) -> int:
        return self.count(self.kind).updated

    @property
    def unchanged(self) -> int:
        return self.count(self.kind).unchanged

    @property
    def skipped(self) -> int:
        return self.count(self.kind).skipped

    def add_errors(self, errors: list[RowError]) -> None:
        room = max(MAX_ITEMISED_ERRORS - len(self.errors), 0)
        self.errors.extend(errors[:room])
        self.unlisted += max(len(errors) - room, 0)

    def summary_lines(self) -> list[str]:
        """Human lines for the CLI: what happened (would happen), then each bad row."""
        verb = "would import" if self.dry_run else "imported"
        head = f"{verb} {self.file}: {counted(self.rows, 'row')}, {self.failed:,} with errors"
        if self.batch_id:
            head += f" (batch {self.batch_id})"
        lines = [head]
        if self.format:
            lines.append(f"  format: {self.format}")
        if self.dry_run and self.columns:
            lines.append("  columns:")
            lines.extend(f"    {column} -> {name}" for column, name in self.columns)
        for kind, counts in self.counts.items():
            done = ", ".join(_outcome(name, n, self.dry_run)
                             for name, n in counts.as_dict().items() if n)
            lines.append(f"  {kind}: {done or 'nothing'}")
        if self.unmapped:
            lines.append(f"  columns not imported: {', '.join(self.unmapped)}")
        lines.extend(f"  warning: {text}" for text in self.warnings)
        lines.extend(f"  {error.describe(self.kind)}" for error in self.errors)
        if self.unlisted:
            lines.append(f"  (only the first {MAX_ITEMISED_ERRORS} errors are listed)")
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "file": self.file, "dry_run": self.dry_run,
            "batch_id": self.batch_id, "rows": self.rows, "failed": self.failed,
            "counts": {k: c.as_dict() for k, c in self.counts.items()},
            "errors": [vars(e) for e in self.errors], "unmapped": self.unmapped,
            "ignored": self.ignored, "warnings": self.warnings, "format": self.format,
            "columns": [list(pair) for pair in self.columns], "reading": self.reading,
        }


# A dry run says what each outcome would be; "unchanged" reads the same either way.
_WOULD = {"created": "would create", "updated": "would update", "skipped": "would skip"}


def _outcome(name: str, n: int, dry_run: bool) -> str:
    return f"{_WOULD[name]} {n:,}" if dry_run and name in _WOULD else f"{n:,} {name}"


@dataclass
class RevertReport:
    batch_id: str
    removed: dict[str, int] = field(default_factory=dict)  # by table
    restored: dict[str, int] = field(default_factory=dict)  # before-images written back
    kept: list[str] = field(default_factory=list)  # records left alone, and why

    def bump(self, counter: dict[str, int], table: str) -> None:
        counter[table] = counter.get(table, 0) + 1

    def summary_lines(self) -> list[str]:
        removed = ", ".join(f"{n:,} {t}" for t, n in self.removed.items()) or "nothing"
        restored = ", ".join(f"{n:,} {t}" for t, n in self.restored.items()) or "nothing"
        lines = [f"reverted {self.batch_id}: removed {removed}; restored {restored}"]
        lines.extend(f"  kept {text}" for text in self.kept)
        return lines


@dataclass(frozen=True)
class BatchInfo:
    """One row of `crm import` history (the `imports` table)."""

    batch_id: str
    kind: str
    file: str
    who: str
    at: str
    status: str  # running, done, failed, reverted
    rows: int
    failed: int
    counts: dict[str, dict[str, int]]
    reverted_at: str | None = None
    reverted_by: str | None = None
