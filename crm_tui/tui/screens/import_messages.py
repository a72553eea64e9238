"""What the import screen's workers report: typed messages, handled on the screen (a
worker never touches a widget)."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from crm_tui.services.exchange.mapping import ColumnMapping
from crm_tui.services.exchange.reports import BatchInfo, ImportReport, RevertReport


@dataclass(frozen=True)
class Plan:
    """What an import would bring in: the file, the kind of records, the columns the person
    mapped by hand ({column: field or "ignore"}, as `--map`), the order of its dates, a
    workbook's sheet."""

    path: str
    kind: str | None = None  # None: as detected
    overrides: dict[str, str] = field(default_factory=dict)
    date_format: str | None = None  # DMY or MDY (as `--date-format`); None: as found
    sheet: str | None = None  # a workbook's sheet (as `--sheet`); None: the first


class ImportProgress(Message):
    def __init__(self, done: int, expected: int | None) -> None:
        super().__init__()
        self.done, self.expected = done, expected


class Checked(Message):
    """A dry run ended: the kind it used, each column's field, and what would happen; or,
    with no report, why the file cannot be imported as mapped (a column, the order of
    its dates or a workbook's sheet to choose on the screen). `sheets`: a workbook's."""

    def __init__(self, plan: Plan, kind: str, mapping: ColumnMapping,
                 report: ImportReport | None, refusal: str = "",
                 sheets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.plan, self.kind, self.mapping = plan, kind, mapping
        self.report, self.refusal, self.sheets = report, refusal, sheets


class Imported(Message):
    def __init__(self, report: ImportReport) -> None:
        super().__init__()
        self.report = report


class Refused(Message):
    """The file could not be read, or an import failed (`importing`); `kept`: the rows
    it saved before it stopped, which stay as `batch`, to be reverted."""

    def __init__(self, error: str, *, importing: bool = False, kept: int = 0,
                 batch: str = "") -> None:
        super().__init__()
        self.error, self.importing, self.kept, self.batch = error, importing, kept, batch


class BatchesLoaded(Message):
    def __init__(self, batches: list[BatchInfo]) -> None:
        super().__init__()
        self.batches = batches


class Reverted(Message):
    def __init__(self, report: RevertReport | None, error: str | None = None) -> None:
        super().__init__()
        self.report, self.error = report, error
