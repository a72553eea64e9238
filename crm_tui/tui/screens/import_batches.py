"""Past imports, newest first (`crm import list`), and reverting one after a yes
(`crm import revert BATCH_ID`: what it created goes, what it changed comes back)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from crm_tui.domain.errors import ValidationError
from crm_tui.domain.wording import counted
from crm_tui.services.exchange.batches import list_batches
from crm_tui.services.exchange.reports import BatchInfo
from crm_tui.services.exchange.revert import revert
from crm_tui.tui.failures import WRITE_FAILURES, failure_message
from crm_tui.tui.keymap import hinted

from .ask import DIALOG_CSS
from .confirm import ConfirmScreen
from .import_messages import BatchesLoaded, Reverted

if TYPE_CHECKING:
    from crm_tui.tui.app import CrmApp


def batch_line(batch: BatchInfo) -> str:
    rows = counted(batch.rows, 'row') + (f", {batch.failed:,} failed" if batch.failed else "")
    return (f"{batch.batch_id}  {batch.at[:16].replace('T', ' ')}  {batch.kind}  "
            f"{batch.status}  {rows}  {batch.file}")


class ImportBatchesScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "revert", "Revert", id="imports.revert"),
        Binding("escape", "dismiss", "Close", id="imports.close"),
        Binding("j", "focused.cursor_down", "Down", show=False, id="imports.down"),
        Binding("k", "focused.cursor_up", "Up", show=False, id="imports.up"),
    ]
    DEFAULT_CSS = DIALOG_CSS.format(name="ImportBatchesScreen") + """
    ImportBatchesScreen > Vertical { width: 110; }
    ImportBatchesScreen OptionList { height: auto; max-height: 16; margin: 1 0; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[BatchInfo] = []

    @property
    def crm_app(self) -> CrmApp:
        return cast("CrmApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Past imports, newest first", classes="title")
            yield OptionList(compact=True, id="batches")
            yield Static(hinted(self, "{imports.revert}: revert the import   "
                                      "{imports.close}: close"), classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.load()

    @work(thread=True, exclusive=True, group="import-batches")
    def load(self) -> None:
        self.post_message(BatchesLoaded(list_batches(self.crm_app.crm)))

    @on(BatchesLoaded)
    def _loaded(self, event: BatchesLoaded) -> None:
        self.batches = event.batches
        listing = self.query_one(OptionList)
        highlighted = listing.highlighted
        listing.clear_options()
        if not self.batches:
            listing.add_option(Option("No imports yet", disabled=True))
            return
        listing.add_options(Option(batch_line(b), id=b.batch_id) for b in self.batches)
        listing.highlighted = min(highlighted or 0, len(self.batches) - 1)

    def action_revert(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self.batches):
            return
        batch = self.batches[index]
        if batch.status == "reverted":
            self.notify(f"{batch.batch_id} was already reverted", severity="warning")
            return
        if self.crm_app.refuse_change():
            return
        question = (f"Revert {batch.batch_id} ({counted(batch.rows, 'row')} of {batch.kind} from "
                    f"{batch.file})? What it created is removed, what it changed restored.")

        def answered(yes: bool | None) -> None:
            if yes:
                self.revert(batch.batch_id)

        self.app.push_screen(ConfirmScreen(question), answered)

    @work(thread=True, exclusive=True, group="import-batches")
    def revert(self, batch_id: str) -> None:
        try:
            report = revert(self.crm_app.crm, batch_id)
        except ValidationError as exc:
            self.post_message(Reverted(None, exc.describe()))
        except WRITE_FAILURES as exc:
            self.post_message(Reverted(None, failure_message(exc)))
        else:
            self.post_message(Reverted(report))

    @on(Reverted)
    def _reverted(self, event: Reverted) -> None:
        if event.report is None:
            self.notify(event.error or "", title="Not reverted", severity="error", timeout=10)
            return
        self.notify("\n".join(event.report.summary_lines()), timeout=8)
        self.crm_app.data_changed()
        self.load()
