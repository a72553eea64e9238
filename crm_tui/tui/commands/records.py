"""What the deal, task and product palette providers share: each palette open reads its
records once (in a thread, from the palette's start), and every keystroke matches them with
accents and case folded, so "chloe" finds a deal of "Chloé Garnier" as the customer search
does.

The read takes seconds at 100,000 customers (tens of thousands of deals and tasks). The
palette asks a provider nothing before its startup is over and shows what the others
found only when more comes in or every provider is done, and a key typed meanwhile
cancelled the wait and the read with it: the palette stayed empty, customers included.
So startup only starts the read; until it is done the area finds nothing, and once it is
done the palette searches again for what is typed.

Deals and tasks are tens of thousands at 100,000 customers: their providers read the rows
the session keeps current from the commits (`rows`), and keep for the session each row's
entry and folded title until a commit brings a new row or its customer is renamed, so an
open after the first makes entries only for what changed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar, cast
from weakref import WeakKeyDictionary

from textual.command import CommandInput, CommandPalette, Hit, Hits, Provider
from textual.widgets import Input

from crm_tui.domain.text import fold

if TYPE_CHECKING:
    from crm_tui.services.crm import Crm
    from crm_tui.tui.app import CrmApp

LIMIT = 20  # hits per area: the best ones, not every deal of a busy pipeline


@dataclass(frozen=True)
class Entry:
    title: str  # namespaced: "deal: Renewal 2027 — Acme"
    help: str
    run: Callable[[], object]


def customer_names(crm: Crm, ids: Iterable[int]) -> dict[int, str]:
    """The customers' display names from the session's customer records (no customer
    read), or read when those are not here yet."""
    wanted = set(ids)
    names = crm.pipeline.customer_names(wanted)
    return names if names is not None else crm.customers.display_names(wanted)


class RecordCommands(Provider):
    """One area's records, found by name."""

    _entries: list[tuple[str, Entry]] | None = None  # (folded title, entry)
    _reading: asyncio.Task[None] | None = None

    @property
    def crm_app(self) -> CrmApp:
        return cast("CrmApp", self.app)

    def entries(self, crm: Crm) -> list[Entry]:
        """The area's records as palette entries (read in a thread)."""
        raise NotImplementedError

    def folded(self, crm: Crm) -> list[tuple[str, Entry]]:
        """The entries with their titles folded for matching (in a thread)."""
        return [(fold(entry.title), entry) for entry in self.entries(crm)]

    async def startup(self) -> None:
        self._reading = asyncio.create_task(self._read())

    async def _read(self) -> None:
        app = self.crm_app
        self._entries = await app.run_in_thread(lambda: self.folded(app.crm))
        palette = app.screen
        if isinstance(palette, CommandPalette):
            typed = palette.query_one(CommandInput)
            if typed.value.strip():  # searched already, without these: again
                palette.post_message(Input.Changed(typed, typed.value))

    async def search(self, query: str) -> Hits:
        words = fold(query).split()
        if not words or self._entries is None:
            return
        # Every word typed appears in the title (cheap, and what people expect of a name);
        # the palette's fuzzy score then orders what is left.
        folded = self.matcher(" ".join(words))
        found = [(folded.match(title), entry) for title, entry in self._entries
                 if all(word in title for word in words)]
        found.sort(key=lambda pair: -pair[0])
        plain = self.matcher(query)
        for score, entry in found[:LIMIT]:
            yield Hit(max(score, 0.5), plain.highlight(entry.title), entry.run, help=entry.help)


class SessionRow(Protocol):
    """A row the session keeps current from the commits (`DealRow`, `TaskRow`)."""

    @property
    def id(self) -> int: ...

    @property
    def customer_id(self) -> int | None: ...


Row = TypeVar("Row", bound=SessionRow)
# Per session, per provider: each record's row, its customer's name, folded title, entry.
Made = tuple[SessionRow, str, str, Entry]
_MADE: WeakKeyDictionary[Crm, dict[type, dict[int, Made]]] = WeakKeyDictionary()


class KeptRecordCommands(RecordCommands, Generic[Row]):
    """An area whose rows the session keeps: entries made once per row (see above)."""

    def rows(self, crm: Crm) -> Sequence[Row]:
        """The area's rows, as the session keeps them."""
        raise NotImplementedError

    def entry(self, row: Row, customer: str) -> Entry:
        """The row's entry; `customer`: its customer's name ("" for none)."""
        raise NotImplementedError

    def folded(self, crm: Crm) -> list[tuple[str, Entry]]:
        rows = self.rows(crm)
        names = customer_names(crm, {r.customer_id for r in rows if r.customer_id is not None})
        kept = _MADE.setdefault(crm, {})
        known = kept.get(type(self), {})
        made: dict[int, Made] = {}
        for row in rows:
            customer = names.get(row.customer_id or 0, "")
            was = known.get(row.id)
            if was is None or was[0] is not row or was[1] != customer:
                entry = self.entry(row, customer)
                was = (row, customer, fold(entry.title), entry)
            made[row.id] = was
        # Replaced, never changed in place: a read still under way for an earlier palette
        # may be reading the one before.
        kept[type(self)] = made
        return [(title, entry) for _, _, title, entry in made.values()]
