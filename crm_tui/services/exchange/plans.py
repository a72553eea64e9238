"""What every row handler shares: the plan a row turns into, the import's context, and the
duplicate policy.

A handler *prepares* a row: it reads, matches and validates, raising ValidationError for a
bad row before anything is written. What it returns is a `Plan`: the outcomes the row has
(created, updated, unchanged, skipped, per record kind) and the writes to make. Keeping
every check ahead of the first write is what makes each row atomic inside a chunk commit.

When the row's writes start with one service call that validates before writing (a plain
create), the handler leaves validation to that call (`checked_by_apply`): validating twice
would double the cost of the commonest rows. Its ValidationError is then the row's error,
provided the pipeline sees that nothing was written; if something was, the chunk is rolled
back and replayed row by row as for any other failed write.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from crm_tui.domain.entities.common import clean_text, is_blank, parse_id
from crm_tui.domain.errors import ValidationError

from .batches import BatchTracker

if TYPE_CHECKING:
    from crm_tui.services.crm import Crm

ON_DUPLICATE = ("update", "skip", "error")
# Validators need some customer id; the real one is known only once the row is written.
PLACEHOLDER_ID = 1


@dataclass
class Plan:
    outcomes: list[tuple[str, str]]  # (record kind, outcome)
    apply: Callable[[], None] | None = None
    # True when `apply` starts with a service call that validates before any write: its
    # ValidationError (or NotFoundError) is the row's error when nothing was written.
    checked_by_apply: bool = False


@dataclass
class ImportContext:
    crm: Crm
    batch: BatchTracker
    on_duplicate: str = "update"
    # Filled by handlers that remember across rows (e.g. customers created this import).
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def today(self) -> Any:
        return self.crm.ctx.clock.today()


class RowHandler(ABC):
    """Turns the mapped fields of one row into a Plan (or raises ValidationError).
    A base class, not a protocol: handlers inherit the no-op `reset` and `flush`."""

    kind: str
    # A pure function of a row's fields and today (no store, no state), whose answer
    # `prepare_read` takes: the pipeline may run it ahead, in another process, while this
    # one writes (see read_ahead.py). None: the handler has none.
    read_ahead: ClassVar[staticmethod[[Mapping[str, Any], date], Any] | None] = None

    @abstractmethod
    def prepare(self, fields: Mapping[str, Any]) -> Plan: ...

    def prepare_read(self, fields: Mapping[str, Any], ahead: Any) -> Plan:
        """`prepare`, given what `read_ahead` made of the same fields."""
        return self.prepare(fields)

    def reset(self) -> None:
        """Forget caches and deferred writes: the chunk they were made in rolled back."""
        return None  # by default, nothing kept

    def flush(self) -> None:
        """Make the writes the chunk's plans deferred (called inside the chunk's commit,
        after its last row): a handler may gather what many rows change in one record
        and write it once."""
        return None  # by default, nothing deferred


def check_on_duplicate(value: str) -> str:
    if value not in ON_DUPLICATE:
        raise ValidationError("on_duplicate", f"must be one of {', '.join(ON_DUPLICATE)}; "
                                              f"got {value!r}")
    return value


def duplicate_plan(ctx: ImportContext, kind: str, field_name: str, what: str) -> Plan | None:
    """What to do with a row matching an existing record: None means update it."""
    if ctx.on_duplicate == "skip":
        return Plan([(kind, "skipped")])
    if ctx.on_duplicate == "error":
        raise ValidationError(field_name, f"matches {what}, which exists already "
                                          "(--on-duplicate is error)")
    return None


def own_fields(fields: Mapping[str, Any]) -> frozenset[str]:
    """A record's field names less `customer_id`, which a row links instead of giving."""
    return frozenset(name for name in fields if name != "customer_id")


def given(fields: Mapping[str, Any], names: Collection[str]) -> dict[str, Any]:
    """The non-blank values among `names`: a blank cell means "not given" (on an update,
    it leaves the stored value alone rather than erasing it)."""
    return {name: value for name, value in fields.items()
            if name in names and not is_blank(value)}


def key_text(value: Any, field_name: str) -> str:
    """A lookup key as the validators would store it (trimmed, spaces collapsed)."""
    return clean_text(value, field_name, max_len=200)


def renamed(exc: ValidationError, rename: Callable[[str], str]) -> ValidationError:
    """The same messages under the names the import file uses."""
    errors: dict[str, str] = {}
    for name, message in exc.errors.items():
        errors.setdefault(rename(name), message)
    return ValidationError.many(errors)


def unchanged(current: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    return all(current.get(name) == value for name, value in values.items())


def stored_record(ctx: ImportContext, table: str, fields: Mapping[str, Any]
                  ) -> dict[str, Any] | None:
    """The record of this database that the row's `id` names, if any.

    Only our own exports carry `id`, and ids mean nothing across databases, so callers
    use it only to recognise a record they can tell is the same one (same customer and
    same content, or same creation day): a re-imported export then adds nothing twice,
    even records without an email or external id.
    """
    value = fields.get("id")
    if is_blank(value):
        return None
    try:
        record_id = parse_id(value, "id")
    except ValidationError:
        return None
    doc = ctx.crm.db.table(table).get(doc_id=record_id)
    return None if doc is None else {"id": record_id, **doc}
