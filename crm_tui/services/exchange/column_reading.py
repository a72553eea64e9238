"""How each column of an import file is read: which columns hold dates or numbers (from the
domain's field tables), and, from their values, in which local form.

`ColumnEvidence` looks at the values of the columns whose field is a date, a timestamp, an
amount or a whole number; `decide` turns what it saw into a `ColumnReading` per column (or
refuses a column whose dates mix both orders, or need an order none of them shows); a
reading's `reader` turns each cell into the form the field's parser reads (see
locale_dates.py and locale_amounts.py). Readings are plain data, so a second process reads
the file exactly as this one decided.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

from crm_tui.domain.entities import schema
from crm_tui.domain.entities.address import ADDRESS_FIELDS
from crm_tui.domain.entities.customer import CUSTOMER_FIELDS
from crm_tui.domain.entities.feedback import FEEDBACK_FIELDS
from crm_tui.domain.entities.interaction import INTERACTION_FIELDS
from crm_tui.domain.entities.opportunity import OPPORTUNITY_FIELDS
from crm_tui.domain.entities.order_lines import LINE_FIELDS
from crm_tui.domain.entities.preferences import PREFERENCE_FIELDS
from crm_tui.domain.entities.product import PRODUCT_FIELDS
from crm_tui.domain.entities.purchase import PURCHASE_FIELDS
from crm_tui.domain.entities.schema import Field
from crm_tui.domain.entities.task import TASK_FIELDS

from .locale_amounts import COMMA, MARKS, POINT, AmountEvidence, read_amount
from .locale_dates import (
    DAY_FIRST,
    ISO,
    MONTH_FIRST,
    ORDERS,
    CellError,
    DateEvidence,
    Example,
    read_date,
)
from .mapping import LINE_TARGETS, REFUNDED

DATE_FORMS = ("date", "timestamp")
NUMBER_FORMS = ("amount", "whole")
# Every record's `created_at` (ours, or another system's creation date) is a timestamp the
# services keep, not a field of the tables.
_SERVICE_FIELDS: dict[str, Field] = {"created_at": Field(schema.MOMENT)}
# What an order's rows say beside its fields: a line each (mapping.LINE_TARGETS), and the
# amount refunded of an order that stays completed.
_ORDER_ROWS: dict[str, Field] = {
    **{target: LINE_FIELDS[name] for target, name in LINE_TARGETS.items()},
    REFUNDED: Field(schema.amount()),
}
_TABLES: dict[str, tuple[Mapping[str, Field], ...]] = {
    "customers": (CUSTOMER_FIELDS, PREFERENCE_FIELDS, ADDRESS_FIELDS),
    "products": (PRODUCT_FIELDS,),
    "purchases": (PURCHASE_FIELDS, _ORDER_ROWS),
    "interactions": (INTERACTION_FIELDS,),
    "opportunities": (OPPORTUNITY_FIELDS,),
    "tasks": (TASK_FIELDS,),
    "feedback": (FEEDBACK_FIELDS,),
}
_REMEMBERED = 4096  # distinct cells a column's reader keeps answers for


def field_form(kind: str, name: str | None) -> str:
    """date, timestamp, amount, whole, or "" (text, lists, flags...) for a field of `kind`."""
    if name is None:
        return ""
    for table in (*_TABLES.get(kind, ()), _SERVICE_FIELDS):
        if name in table:
            return table[name].parser.form
    return ""


class CellReadError(CellError):
    """A cell its column's reading refused, with the field it was for."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ColumnReading:
    """How one column's cells are read. `rule`: for dates ISO, DMY, MDY or the strptime
    pattern of --date-format; for numbers the decimal mark. `example`: a value of the
    column that shows the rule (for messages)."""

    index: int
    label: str
    field: str
    form: str
    rule: str
    example: str = ""

    def reader(self) -> tuple[dict[str, str], Callable[[str], str]]:
        """The answers given so far (cell -> canonical text), and the function that works
        out a cell's answer and adds it to them: a column's dates and prices repeat (a few
        hundred values over a million rows), so a reader of many rows looks a cell up in
        the first and calls the second only for a cell not there. The function raises
        CellReadError, naming the field, for a cell the column cannot read."""
        if self.form in DATE_FORMS:
            read = partial(read_date, order=self.rule, timestamp=self.form == "timestamp",
                           example=self.example)
        else:
            read = partial(read_amount, mark=self.rule, example=self.example)
        seen: dict[str, str] = {}
        field = self.field

        def answer(cell: str) -> str:
            try:
                value = read(cell)
            except CellError as exc:
                raise CellReadError(field, str(exc)) from None
            if len(seen) >= _REMEMBERED:
                seen.clear()  # cheaper than tracking age: the cells that repeat return
            seen[cell] = value
            return value

        return seen, answer

    def describe(self) -> str:
        like = f", like {self.example}" if self.example else ""
        if self.form in DATE_FORMS:
            how = (ORDERS[self.rule] + like if self.rule in ORDERS
                   else "ISO (YYYY-MM-DD)" if self.rule == ISO
                   else f"as --date-format {self.rule}")
            return f"dates in {self.label!r}: {how}"
        noun = "amounts" if self.form == "amount" else "numbers"
        return f"{noun} in {self.label!r}: {MARKS[self.rule]}{like}"


@dataclass(frozen=True)
class Column:
    index: int
    label: str
    field: str
    form: str


class ColumnEvidence:
    """What the values of the date and number columns of a file say, row by row."""

    def __init__(self, columns: Sequence[Column]) -> None:
        self.columns = list(columns)
        self.evidence: list[DateEvidence | AmountEvidence] = [
            DateEvidence() if column.form in DATE_FORMS else AmountEvidence()
            for column in self.columns]

    def see(self, cells: Sequence[str], line: int,
            clean: Callable[[str], str] = str) -> None:
        for column, evidence in zip(self.columns, self.evidence, strict=True):
            evidence.see(clean(cells[column.index]), line)

    @property
    def settled(self) -> bool:
        """Whether more rows could change nothing a decision needs: every date column's
        order is evident or not needed (amount columns fall back on the file's mark)."""
        return all(e.settled for e in self.evidence if isinstance(e, DateEvidence))

    def decide(self, *, delimiter: str, date_format: str | None) -> list[ColumnReading]:
        """A reading per column; ValueError naming the column when its dates cannot be
        read (both orders, or only values that could be either and no --date-format)."""
        marks = {id(e): e.mark() for e in self.evidence if isinstance(e, AmountEvidence)}
        # A column with no telling value reads as the file's other columns do, else as a
        # ;-delimited file (the separator of locales with a decimal comma) implies.
        default = COMMA if delimiter == ";" or COMMA in marks.values() else POINT
        readings = []
        for column, evidence in zip(self.columns, self.evidence, strict=True):
            if isinstance(evidence, DateEvidence):
                rule, example = date_format or _date_order(column, evidence), ""
                shown = {DAY_FIRST: evidence.day_first, MONTH_FIRST: evidence.month_first}
                if rule in shown and shown[rule] is not None:
                    example = shown[rule].value  # type: ignore[union-attr]
            else:
                rule = marks[id(evidence)] or default
                found = evidence.examples.get(rule)
                example = found.value if found else ""
            readings.append(ColumnReading(column.index, column.label, column.field,
                                          column.form, rule, example))
        return readings


def _date_order(column: Column, evidence: DateEvidence) -> str:
    day, month = evidence.day_first, evidence.month_first
    if day is not None and month is not None:
        raise ValueError(
            f"column {column.label!r} has dates with the day first ({_at(day)}) and dates "
            f"with the month first ({_at(month)}); correct them, or name the order with "
            f"--date-format DMY or MDY{_or_leave_out(column)}")
    if day is not None or month is not None:
        return DAY_FIRST if day is not None else MONTH_FIRST
    if evidence.ambiguous is not None:
        raise ValueError(
            f"column {column.label!r} has dates that could have the day or the month first "
            f"({_at(evidence.ambiguous)}) and none that shows which; name the order with "
            f"--date-format DMY or MDY{_or_leave_out(column)}")
    return ISO


def _or_leave_out(column: Column) -> str:
    return f" (or leave the column out: --map {column.label!r}=ignore)"


def _at(example: Example) -> str:
    return f"{example.value!r} on line {example.line}"
