"""Import a file from the app: what `crm import KIND FILE` does, seen before it is done.

Type the file's path (→ completes folders, CSV files and Excel workbooks) and press enter:
the screen runs the import as a dry run (`import_file(..., dry_run=True)`, the CLI's own),
then shows the tool's export the file was recognised as, how it was read (encoding,
delimiter, the order of each date column; a workbook's sheet), the field each column fills
and what the rows would do (new, updated, unchanged, skipped, with errors and the first
errors' lines). The kind of records comes from the file unless chosen under Holds, the
order of its dates unless chosen under Dates, a workbook's first sheet unless another is
chosen under Sheet (shown for a workbook of several); enter on a column chooses the field it
fills, or ignore (as `--map`), and the dry run runs again. A file refused as mapped (dates
whose order cannot be told, no column it knows) still shows its columns, to be fixed so.
ctrl+r imports exactly what was checked, with progress, and says the batch id that
ctrl+l's list of past imports can revert; ctrl+o goes back to the path for another file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Header, Input, ProgressBar, Select, Static
from textual.worker import get_current_worker

from crm_tui.domain.errors import ValidationError
from crm_tui.domain.wording import counted
from crm_tui.services.exchange.csv_rows import ReadOptions
from crm_tui.services.exchange.file_preview import detected_kind, read_head
from crm_tui.services.exchange.importer import import_file
from crm_tui.services.exchange.locale_dates import DAY_FIRST, MONTH_FIRST
from crm_tui.services.exchange.mapping import IGNORE, KINDS, TARGETS, build_mapping
from crm_tui.services.exchange.stopped import ImportBroke, ImportStopped
from crm_tui.tui.failures import WRITE_FAILURES, failure_message
from crm_tui.tui.keymap import hinted
from crm_tui.tui.widgets.footer import Footer
from crm_tui.tui.widgets.import_mapping import ImportMapping
from crm_tui.tui.widgets.path_suggester import PathSuggester

from .ask import ChoiceDialog
from .base import CrmScreen
from .import_batches import ImportBatchesScreen
from .import_messages import Checked, Imported, ImportProgress, Plan, Refused
from .import_report import count_lines, detected_lines, error_lines, refusal

REPORTS = 100  # progress messages per import, at most
DATE_ORDERS = [("day first (31/01/2024)", DAY_FIRST), ("month first (01/31/2024)", MONTH_FIRST)]


class Abandoned(Exception):
    """The screen closed during a dry run: stop it (its one transaction rolls back)."""


class ImportScreen(CrmScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r,f5", "run", "Import", id="import.run"),
        Binding("ctrl+l,f6", "batches", "Past imports", id="import.batches"),
        Binding("ctrl+o", "focus_path", "Another file", id="import.file"),
        Binding("escape", "close", "Close", id="import.close"),
    ]

    def __init__(self, path: str = "") -> None:
        super().__init__()
        self.initial_path = path
        self.checked: Checked | None = None  # what the last dry run found
        self.busy: str | None = None  # what a worker is doing: checking or importing

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="file-row"):
            yield Static("File", classes="label")
            yield Input(self.initial_path, id="path", compact=True, suggester=PathSuggester(),
                        placeholder="e.g. ~/Downloads/customers.csv (→ completes, enter "
                                    "checks)")
            yield Static("Sheet", classes="label", id="sheet-label")
            yield Select([], prompt="the first", id="sheet", compact=True)
        with Horizontal(id="kind-row"):
            yield Static("Holds", classes="label")
            yield Select([(kind, kind) for kind in KINDS], prompt="as detected", id="kind",
                         compact=True)
            yield Static("Dates", classes="label", id="dates-label")
            yield Select(DATE_ORDERS, prompt="as found", id="dates", compact=True)
        yield Static("", id="detected", markup=False)
        yield Static(hinted(self, "Type a file's path and press enter: nothing is imported "
                                  "before {import.run}."), id="outcome", markup=False)
        yield ImportMapping(id="mapping")
        yield Static("", id="errors", markup=False)
        yield ProgressBar(id="progress", show_eta=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Import a file"
        self.query_one("#progress").display = False
        self._show_sheets(())
        self.query_one("#path", Input).focus()
        if self.initial_path:
            self.check(Plan(self.initial_path))

    def refresh_data(self) -> None:
        """Nothing here follows the database: a dry run is rerun by asking."""

    # ----- the dry run -------------------------------------------------------------------
    @on(Input.Submitted, "#path")
    def _path_given(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        if not path:
            self.notify("Type the path of a CSV file or Excel workbook", severity="warning")
            return
        self.check(Plan(path))  # another file: its kind and dates found anew

    def _chosen(self, selector: str) -> str | None:
        value = self.query_one(selector, Select).value
        return None if value is Select.NULL else str(value)

    @on(Select.Changed, "#kind")
    def _kind_chosen(self) -> None:
        kind = self._chosen("#kind")
        if self.checked is not None and kind != self.checked.kind:
            plan = self.checked.plan  # another kind's fields: its columns are mapped anew
            self.check(replace(plan, kind=kind, overrides={}))

    @on(Select.Changed, "#dates")
    def _dates_chosen(self) -> None:
        if self.checked is not None:
            plan = self.checked.plan
            self.check(replace(plan, kind=self.checked.kind, date_format=self._chosen("#dates")))

    @on(Select.Changed, "#sheet")
    def _sheet_chosen(self) -> None:
        sheet = self._chosen("#sheet")
        if self.checked is not None and sheet != self.checked.plan.sheet:
            # Another sheet: another table, its kind and columns found anew.
            self.check(Plan(self.checked.plan.path, date_format=self.checked.plan.date_format,
                            sheet=sheet))

    @on(ImportMapping.Chosen)
    def _column_chosen(self, event: ImportMapping.Chosen) -> None:
        if self.checked is None or self.busy:
            return
        choices = [(f"{IGNORE} (do not import it)", IGNORE),
                   *((name, name) for name in TARGETS[self.checked.kind])]
        self.app.push_screen(ChoiceDialog(f"Column {event.column!r} fills", choices),
                             lambda field: self._remap(event.column, field))

    def _remap(self, column: str, field: str | None) -> None:
        """Check the file again with `column` filling `field` (None: the choice was let go)."""
        if field is None or self.checked is None:
            return
        plan = self.checked.plan
        self.check(replace(plan, kind=self.checked.kind,
                           overrides={**plan.overrides, column: field}))

    def check(self, plan: Plan) -> None:
        if self.busy:
            self.notify("Still working on the file", severity="warning")
            return
        self._start("checking", "Checking the file (nothing is written)…")
        self.dry_run(plan)

    @work(thread=True, exclusive=True, group="import")
    def dry_run(self, plan: Plan) -> None:
        def run() -> None:
            path = str(Path(plan.path).expanduser())
            reading = ReadOptions(date_format=plan.date_format, sheet=plan.sheet)
            header, sheets = read_head(path, reading)
            kind = plan.kind or detected_kind(header)
            mapping = build_mapping(kind, header, plan.overrides)
            try:
                report = import_file(self.crm, kind, path, mapping=plan.overrides,
                                     reading=reading, dry_run=True,
                                     progress=self._progress(stoppable=True))
            except ValidationError as exc:  # as mapped: the screen shows what to change
                self.post_message(Checked(plan, kind, mapping, None, refusal(exc), sheets))
            else:
                self.post_message(Checked(plan, kind, mapping, report, sheets=sheets))

        self._reporting(run, importing=False)

    # ----- the import --------------------------------------------------------------------
    def action_run(self) -> None:
        """Import what the last dry run checked (the same file, kind, columns and dates)."""
        if self.busy:
            self.notify("Still working on the file", severity="warning")
        elif self.checked is None or self.checked.report is None:
            self.notify("Check a file first: type its path and press enter; a file "
                        "refused as mapped is imported once its dry run passes",
                        severity="warning")
        elif not self.crm_app.refuse_change():
            self._start("importing", "Importing…")
            self.run_import(self.checked.plan, self.checked.kind)

    @work(thread=True, exclusive=True, group="import")
    def run_import(self, plan: Plan, kind: str) -> None:
        def run() -> None:
            report = import_file(self.crm, kind, str(Path(plan.path).expanduser()),
                                 mapping=plan.overrides,
                                 reading=ReadOptions(date_format=plan.date_format,
                                                     sheet=plan.sheet),
                                 progress=self._progress(stoppable=False))
            self.post_message(Imported(report))

        self._reporting(run, importing=True)

    def _progress(self, *, stoppable: bool) -> Callable[[int, int | None], None]:
        """Progress from the worker to the screen, a hundred messages at most; a dry run
        (`stoppable`) stops there once the screen has closed. An import never stops
        half-way for that: the screen does not close under it."""
        last = -1
        worker = get_current_worker()

        def progress(done: int, expected: int | None) -> None:
            nonlocal last
            if stoppable and worker.is_cancelled:
                raise Abandoned
            step = max(1, (expected or 0) // REPORTS)
            if done // step != last:
                last = done // step
                self.post_message(ImportProgress(done, expected))

        return progress

    def _reporting(self, run: Callable[[], None], *, importing: bool) -> None:
        """Run a worker's job; what refuses the file is said, not raised. So is an error
        nothing expected: the app goes on, and the screen says what the import kept."""
        try:
            run()
        except Abandoned:
            pass
        except ValidationError as exc:
            self.post_message(Refused(refusal(exc), importing=importing))
        except WRITE_FAILURES as exc:
            stopped = exc if isinstance(exc, ImportStopped) else None
            self.post_message(Refused(failure_message(exc), importing=importing,
                                      kept=stopped.rows if stopped else 0,
                                      batch=stopped.batch_id if stopped else ""))
        except Exception as exc:  # a dry run, or before the batch, saved no row
            broke = exc if isinstance(exc, ImportBroke) else ImportBroke(exc, "", 0)
            self.post_message(Refused(f"an unexpected error ({broke})", importing=importing,
                                      kept=broke.rows, batch=broke.batch_id))

    def _start(self, doing: str, words: str) -> None:
        self.busy = doing
        self.query_one("#outcome", Static).update(words)
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True

    def _stop(self) -> None:
        self.busy = None
        self.query_one("#progress").display = False

    @on(ImportProgress)
    def _progressed(self, event: ImportProgress) -> None:
        self.query_one("#progress", ProgressBar).update(total=event.expected,
                                                        progress=event.done)

    @on(Checked)
    def _checked(self, event: Checked) -> None:
        self._stop()
        self.checked = event
        self._show_sheets(event.sheets)
        for selector, value in (("#kind", event.kind), ("#dates", event.plan.date_format),
                                ("#sheet", event.plan.sheet)):
            picker = self.query_one(selector, Select)
            with picker.prevent(Select.Changed):
                picker.value = Select.NULL if value is None else value
        report = event.report
        self.query_one("#detected", Static).update(
            "\n".join(detected_lines(event.mapping, report.reading if report else [])))
        if report is None:
            outcome = [f"Cannot import it as it is: {event.refusal}"]
            errors = ["Change the columns or the dates above; nothing was written."]
        else:
            rows = counted(report.rows, "row")
            outcome = [f"A dry run of {rows} would bring in "
                       + hinted(self, "({import.run} imports):"),
                       *count_lines(report)]
            errors = error_lines(report)
        self.query_one("#outcome", Static).update("\n".join(outcome))
        self.query_one("#errors", Static).update("\n".join(errors))
        mapping = self.query_one(ImportMapping)
        mapping.show(event.mapping, frozenset(event.plan.overrides))
        mapping.focus()

    def _show_sheets(self, sheets: tuple[str, ...]) -> None:
        """The Sheet picker: shown for a workbook of several sheets, offering them."""
        picker = self.query_one("#sheet", Select)
        with picker.prevent(Select.Changed):
            picker.set_options((title, title) for title in sheets)
        for widget in (picker, self.query_one("#sheet-label")):
            widget.display = len(sheets) > 1

    @on(Imported)
    def _imported(self, event: Imported) -> None:
        self._stop()
        report = event.report
        self.checked = None  # importing it again takes a new dry run
        head = (f"Imported {counted(report.rows, 'row')}, {report.failed:,} with errors, as batch "
                f"{report.batch_id} ") + hinted(self, "({import.batches} lists imports, and "
                                                "reverts one)")
        self.query_one("#outcome", Static).update("\n".join([head, *count_lines(report)]))
        self.query_one("#errors", Static).update("\n".join(error_lines(report)))
        self.notify(f"Import done: batch {report.batch_id}", timeout=6)
        self.crm_app.data_changed()

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        self._stop()
        self.checked = None  # ctrl+r never imports a file checked before this one
        if event.kept:
            words = (f"The import stopped: {event.error}. The {counted(event.kept, 'row')} "
                     f"imported before are kept as batch {event.batch}: "
                     + hinted(self, "{import.batches} lists imports, and reverts one"))
            self.crm_app.data_changed()
        elif event.importing:  # what was checked still shows: import it again once fixed
            words = f"Nothing imported: {event.error}"
        else:
            words = f"Nothing imported: {event.error}"
            self.query_one("#detected", Static).update("")
            self.query_one("#errors", Static).update("")
            self.query_one(ImportMapping).clear()
        self.query_one("#outcome", Static).update(words)
        self.notify(event.error, title="Cannot import", severity="error", timeout=10)

    # ----- elsewhere ---------------------------------------------------------------------
    def action_focus_path(self) -> None:
        """Back to the file's path, to check another file."""
        self.query_one("#path", Input).focus()

    def action_batches(self) -> None:
        self.app.push_screen(ImportBatchesScreen())

    def action_close(self) -> None:
        if self.busy == "importing":
            self.notify("The import goes on: wait for its summary", severity="warning")
            return
        self.app.pop_screen()
