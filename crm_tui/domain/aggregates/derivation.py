"""The derivations and `Aggregates`, the set of their states one read model keeps.

A `Derivation` is what the store needs to keep a state (`Database.derive`): its name and
version (a saved state of another version is rebuilt), the tables it reads, its pure
`new_state`, `reduce` and `fold`, and `dump` / `load` to save the state as JSON values at
each compaction. `Aggregates` gives typed access to the states; it also applies each
change of a document to every derivation reading its table, and folds a table whole.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from . import customers, interactions, nps, pipeline, revenue, unresolved
from .customers import ColumnState, People
from .orders import Orders
from .revenue import Sales
from .tally import Doc, Tally, dumped, loaded
from .tally import fold as fold_tally

S = TypeVar("S")
D = TypeVar("D")


@dataclass(frozen=True)
class Derivation(Generic[S, D]):
    name: str
    version: int
    tables: tuple[str, ...]
    new_state: Callable[[], S]
    reduce: Callable[[str, int, Doc | None, Doc | None], D]
    fold: Callable[[S, D], S]
    dump: Callable[[S], Any]
    load: Callable[[Any], S]  # raises ValueError, TypeError or KeyError on what is not a state


def _tally(module: Any) -> Derivation[Tally, Any]:
    return Derivation(module.NAME, module.VERSION, module.TABLES, module.new_state,
                      module.reduce, fold_tally, dumped, loaded)


DERIVATIONS: tuple[Derivation[Any, Any], ...] = (
    Derivation(revenue.NAME, revenue.VERSION, revenue.TABLES, Sales, revenue.reduce,
               revenue.fold, revenue.dump, revenue.load),
    _tally(interactions),
    _tally(pipeline),
    _tally(nps),
    _tally(unresolved),
    Derivation(customers.NAME, customers.VERSION, customers.TABLES, People, customers.reduce,
               customers.fold, customers.dump, customers.load),
)
TABLES = tuple(sorted({t for d in DERIVATIONS for t in d.tables}))


class Aggregates:
    """Every derivation's state, kept by `apply` (one change) and `reset` (a table's
    states emptied, to be folded again document by document)."""

    def __init__(self, states: Mapping[str, Any] | None = None) -> None:
        """Fresh states, or those given (the store's, read where they are kept)."""
        self.states: dict[str, Any] = (
            {d.name: d.new_state() for d in DERIVATIONS} if states is None else dict(states))
        self._by_table = {t: [d for d in DERIVATIONS if t in d.tables] for t in TABLES}

    def apply(self, table: str, doc_id: int, before: Doc | None, after: Doc | None) -> None:
        states = self.states
        for d in self._by_table.get(table, ()):
            states[d.name] = d.fold(states[d.name], d.reduce(table, doc_id, before, after))

    def reset(self, table: str) -> None:
        for d in self._by_table.get(table, ()):
            self.states[d.name] = d.new_state()

    def load(self, table: str, docs: Iterable[tuple[int, Doc]]) -> None:
        """The table's states from its documents, each folded once and not kept."""
        self.reset(table)
        for doc_id, doc in docs:
            self.apply(table, doc_id, None, doc)

    # typed access for the reading functions
    @property
    def revenue(self) -> Tally:
        return self._sales.revenue

    @property
    def orders(self) -> Orders:
        return self._sales.orders

    @property
    def _sales(self) -> Sales:
        return self.states[revenue.NAME]  # type: ignore[no-any-return]

    @property
    def interactions(self) -> Tally:
        return self.states[interactions.NAME]  # type: ignore[no-any-return]

    @property
    def pipeline(self) -> Tally:
        return self.states[pipeline.NAME]  # type: ignore[no-any-return]

    @property
    def nps(self) -> Tally:
        return self.states[nps.NAME]  # type: ignore[no-any-return]

    @property
    def unresolved(self) -> Tally:
        return self.states[unresolved.NAME]  # type: ignore[no-any-return]

    @property
    def counts(self) -> Tally:
        return self._people.counts

    @property
    def columns(self) -> ColumnState:
        return self._people.columns

    @property
    def _people(self) -> People:
        return self.states[customers.NAME]  # type: ignore[no-any-return]
