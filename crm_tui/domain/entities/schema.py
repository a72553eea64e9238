"""Declarative field tables: each entity lists its fields once, and one function validates
any of them, for creation, for a form checking fields as they are typed, or for an edit.

Errors from every field are collected instead of stopping at the first, so a form can
show all messages at once and a record is either wholly valid or rejected.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from crm_tui.domain import dates, money
from crm_tui.domain.entities import common
from crm_tui.domain.errors import ValidationError

Validator = Callable[..., dict[str, Any]]
# Cross-field rules: (values, errors, today, changed) -> None, editing values in place.
# `changed` names the fields the caller gave (non-blank) or, in an edit, actually changed;
# `values` lacks any field that failed on its own, so rules guard with `present`.
Rules = Callable[[dict[str, Any], dict[str, str], date, frozenset[str]], None]


MISS = common.MISS


@dataclass(frozen=True)
class Parser:
    """Turns one raw value into its stored form; `expected` describes valid input for messages.

    `fast` is an optional shortcut for the commonest input (plain text as a CSV cell or a
    form field holds it): the value `fn` would return, or MISS for anything else, blanks
    and every value `fn` refuses included, so messages only ever come from `fn`. Imports
    validate every cell of every row, and the general path's checks cost several times
    the shortcut's.
    """

    fn: Callable[[Any, str, date], Any]
    expected: str
    fast: Callable[[Any], Any] | None = None
    # What kind of value this is, for readers that turn a file's local spellings into the
    # text `fn` reads (an import's "31.01.2024" -> "2024-01-31", "1.234,56" -> "1234.56"):
    # "date", "timestamp", "amount", "whole", or "" for anything else.
    form: str = ""


@dataclass(frozen=True)
class Field:
    parser: Parser
    required: bool = False
    default: Any = None
    # For mutable or date-dependent defaults (a fresh list, "today").
    default_factory: Callable[[date], Any] | None = None
    # Kept only when given: a new record left without it has no such key (an order's
    # shipping or lines), and an edit of a record without it adds none (`validate_record`).
    omitted: bool = False

    def default_value(self, today: date) -> Any:
        return self.default_factory(today) if self.default_factory else self.default


def validate_record(
    data: Mapping[str, Any],
    fields: Mapping[str, Field],
    rules: Rules | None = None,
    *,
    today: date,
    partial: bool = False,
    current: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Validate input against a field table, then the entity's cross-field rules.

    - partial=False: `data` is a whole new record; returns every field.
    - partial=True: only the keys present in `data` are checked (rules run where all
      their fields are present); returns those keys.
    - partial=True with `current` (the stored document): an edit. Rules run over the stored
      record with the changes applied, so derived fields follow (a new quantity recomputes
      the total); returns the changed fields plus every derived field whose value moved.

    Input is in typed form (money in dollars); `current` is in stored form (cents).
    """
    values, errors, given = _check_fields(data, fields, today=today, partial=partial)
    if not (partial and current is not None):
        if rules:
            rules(values, errors, today, frozenset(given))
        return finish(values, errors)
    failed = {_root(name) for name in errors}
    merged = {
        name: current.get(name, spec.default_value(today))
        for name, spec in fields.items()
        if name not in failed and (name in current or not spec.omitted)
    }
    merged.update(values)
    changed = frozenset(name for name, value in values.items() if current.get(name) != value)
    if rules:
        rules(merged, errors, today, changed)
    edit = {
        name: value
        for name, value in merged.items()
        if name in values or name not in current or current[name] != value
    }
    return finish(edit, errors)


def _root(error_field: str) -> str:
    """The top-level field an error name points into: "addresses[0].city" -> "addresses"."""
    return error_field.split(".", 1)[0].split("[", 1)[0]


class _Spec(NamedTuple):
    """One field of a table as the validation loop reads it: everything looked up once."""

    fast: Callable[[Any], Any] | None
    parse: Callable[[Any, str, date], Any]
    required: str | None  # the message for a blank required field, else None
    omitted: bool
    default: Any
    default_factory: Callable[[date], Any] | None


class _Table(NamedTuple):
    """A field table as `_check_fields` reads it, made once per table."""

    specs: dict[str, _Spec]
    order: dict[str, int]  # each field's place in the table
    # A new record before its cells are read: every field it will have, in the table's
    # order, with its default, or _PENDING where the default is made per record (a fresh
    # list) or the field is required; an omitted field is added only when given.
    blank: dict[str, Any]
    pending: tuple[tuple[str, _Spec], ...]  # the fields blank holds as _PENDING
    has_omitted: bool


_PENDING: Any = object()
# Each field table made into a _Table once: the validation runs for every row an import
# reads. Keyed by identity (the tables are constants); the table is kept with it, so an
# id is never reused while cached.
_TABLES: dict[int, tuple[Mapping[str, Field], _Table]] = {}


def _table(fields: Mapping[str, Field]) -> _Table:
    cached = _TABLES.get(id(fields))
    if cached is None or cached[0] is not fields:
        specs = {name: _Spec(spec.parser.fast, spec.parser.fn,
                             f"is required: expected {spec.parser.expected}"
                             if spec.required else None,
                             spec.omitted, spec.default, spec.default_factory)
                 for name, spec in fields.items()}
        pending = tuple((name, spec) for name, spec in specs.items()
                        if spec.required is not None
                        or (spec.default_factory is not None and not spec.omitted))
        blank = {name: _PENDING if spec.required is not None or spec.default_factory
                 else spec.default for name, spec in specs.items() if not spec.omitted}
        cached = _TABLES[id(fields)] = (fields, _Table(
            specs, {name: index for index, name in enumerate(specs)}, blank, pending,
            any(spec.omitted for spec in specs.values())))
    return cached[1]


def _check_fields(
    data: Mapping[str, Any], fields: Mapping[str, Field], *, today: date, partial: bool
) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """Validate every known field of `data`: (normalised values, errors by field, the
    fields given (not blank), which the rules are told: noting them here spares testing
    every value for blankness a second time). Values and errors follow the table's order.

    Keys not in `fields` (ids, timestamps, computed totals, typos) are left out of the
    values: services own those. With `partial`, missing fields are skipped instead of
    defaulted."""
    if type(data) is not dict and not isinstance(data, Mapping):
        raise TypeError(f"expected a mapping of fields, got {type(data).__name__}")
    table = _table(fields)
    specs = table.specs
    # The cells given are read in the input's order, into a record laid out in the
    # table's: a row of an import gives about half the fields.
    values: dict[str, Any] = {} if partial else table.blank.copy()
    errors: dict[str, str] = {}
    given: list[str] = []
    for name, raw in data.items():
        spec = specs.get(name)
        if spec is None:
            continue
        fast = spec.fast
        if fast is not None and (value := fast(raw)) is not MISS:
            values[name] = value
            given.append(name)
            continue
        if raw is None or common.is_blank(raw):
            if spec.required is not None:
                errors[name] = spec.required
                values.pop(name, None)
            elif partial or not spec.omitted:  # in an edit, a blank clears the field
                factory = spec.default_factory
                values[name] = factory(today) if factory is not None else spec.default
            continue
        given.append(name)
        try:
            values[name] = spec.parse(raw, name, today)
        except ValidationError as exc:
            errors.update(exc.errors)
            values.pop(name, None)
    if not partial:
        for name, spec in table.pending:
            if values.get(name) is _PENDING:
                if spec.required is not None:
                    errors[name] = spec.required
                    del values[name]
                else:
                    values[name] = spec.default_factory(today)  # type: ignore[misc]
    order = table.order
    if (partial or table.has_omitted) and len(values) > 1:
        values = {name: values[name] for name in sorted(values, key=order.__getitem__)}
    if len(errors) > 1:
        last = len(order)  # a parser's error about a name of its own: after the fields
        errors = {name: errors[name]
                  for name in sorted(errors, key=lambda e: order.get(_root(e), last))}
    return values, errors, given


def finish(values: dict[str, Any], errors: Mapping[str, str]) -> dict[str, Any]:
    """The values, or one ValidationError carrying every message."""
    if errors:
        raise ValidationError.many(errors)
    return values


def present(values: Mapping[str, Any], *names: str) -> bool:
    """Whether a cross-field rule can be checked: all its fields were validated (partial edits)."""
    # map() rather than a generator: rules ask this for every row an import validates.
    return all(map(values.__contains__, names))


def settle_date(values: dict[str, Any], field: str, applies: bool, today: date) -> None:
    """Keep a status date in step with its status (done -> completed_date, consent -> its
    date): dated today when the status holds and no date was given, cleared when it does not."""
    if not applies:
        values[field] = None
    elif values[field] is None:
        values[field] = today.isoformat()


# Parser factories: the vocabulary the entity field tables are written in.


def text(max_len: int = common.MEDIUM_TEXT, *, multiline: bool = False) -> Parser:
    def fast(value: Any) -> Any:
        # Printable ASCII holds no control character: clean_text's checks all pass.
        if type(value) is str:
            cleaned = " ".join(value.split())
            if cleaned and len(cleaned) <= max_len and cleaned.isascii() and cleaned.isprintable():
                return cleaned
        return MISS

    return Parser(
        lambda v, f, t: common.clean_text(v, f, max_len=max_len, multiline=multiline),
        f"text up to {max_len} characters",
        None if multiline else fast,
    )


def choice(
    choices: Sequence[str], *, free_form: bool = False, aliases: Mapping[str, str] | None = None
) -> Parser:
    listed = ", ".join(choices)
    # Input spelt exactly as its match key maps straight to what coerce_enum returns:
    # the first choice with that key, else the alias (aliases are keyed by enum_key).
    spelt: dict[str, str] = {}
    for option in choices:
        spelt.setdefault(common.enum_key(option), option)
    for key, target in (aliases or {}).items():
        if common.enum_key(key) == key:
            spelt.setdefault(key, target)
    spelt = {key: value for key, value in spelt.items() if key.isascii() and key.isprintable()}
    return Parser(
        lambda v, f, t: common.coerce_enum(v, f, choices, free_form=free_form, aliases=aliases),
        f"one of {listed}, or another short word" if free_form else f"one of {listed}",
        lambda v: spelt.get(v, MISS) if type(v) is str else MISS,
    )


def _whole_fast(minimum: int | None, maximum: int | None) -> Callable[[Any], Any]:
    def fast(value: Any) -> Any:
        if type(value) is int:
            number = value
        elif type(value) is str and value.isascii() and value.isdigit() and len(value) <= 18:
            number = int(value)
        else:
            return MISS
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            return MISS
        return number

    return fast


def whole(minimum: int | None = None, maximum: int | None = None) -> Parser:
    return Parser(
        lambda v, f, t: common.parse_int(v, f, minimum=minimum, maximum=maximum),
        common.range_text(minimum, maximum, "a whole number"),
        _whole_fast(minimum, maximum),
        "whole",
    )


# Plain dollars and cents: at most 12 digits of dollars stays under money.MAX_CENTS.
_PLAIN_AMOUNT = re.compile(r"(\d{1,12})(?:\.(\d{1,2}))?", re.ASCII)


def _amount_fast(value: Any) -> Any:
    match = _PLAIN_AMOUNT.fullmatch(value) if type(value) is str else None
    if match is None:
        return MISS
    dollars, cents = match.groups()
    return int(dollars) * 100 + (int(cents.ljust(2, "0")) if cents else 0)


def amount(*, allow_negative: bool = False) -> Parser:
    return Parser(
        lambda v, f, t: money.parse_money(v, f, allow_negative=allow_negative),
        money.MONEY_HINT,
        _amount_fast,
        "amount",
    )


_PLAIN_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def _day_fast(value: Any) -> Any:
    if type(value) is str and _PLAIN_DAY.fullmatch(value):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            return MISS  # not a real date: parse_date says so
    return MISS


EMAIL = Parser(lambda v, f, t: common.check_email(v, f), common.EMAIL_HINT, common.fast_email)
PHONE = Parser(lambda v, f, t: common.check_phone(v, f), common.PHONE_HINT, common.fast_phone)
FLAG = Parser(lambda v, f, t: common.parse_bool(v, f), common.BOOL_HINT, common.fast_bool)
RECORD_ID = Parser(lambda v, f, t: common.parse_id(v, f), "a record id (a positive whole number)",
                   _whole_fast(1, common.MAX_ID))
TAGS = Parser(lambda v, f, t: common.parse_tags(v, f), "tags separated by commas",
              common.fast_tags)
DAY = Parser(lambda v, f, t: dates.parse_date(v, f, t).isoformat(), dates.DATE_HINT, _day_fast,
             "date")
MOMENT = Parser(lambda v, f, t: dates.parse_datetime(v, f).isoformat(), dates.DATETIME_HINT,
                form="timestamp")


def today_iso(today: date) -> str:
    return today.isoformat()


def empty_list(today: date) -> list[Any]:
    return []


def nested(validate: Validator, expected: str) -> Parser:
    """A sub-document (e.g. preferences), validated whole; errors are named "field.sub"."""

    def parse(value: Any, field: str, today: date) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise ValidationError(field, f"must be a mapping of fields; expected {expected}")
        try:
            return validate(value, today=today)
        except ValidationError as exc:
            raise ValidationError.many({f"{field}.{k}": m for k, m in exc.errors.items()}) from None

    return Parser(parse, expected)


def list_of(validate: Validator, expected: str, *, max_items: int) -> Parser:
    """A list of sub-documents; errors are named "field[index].sub" and all reported."""

    def parse(value: Any, field: str, today: date) -> list[dict[str, Any]]:
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
            raise ValidationError(field, f"must be a list; expected {expected}")
        if len(value) > max_items:
            raise ValidationError(field, f"has {len(value)} entries; at most {max_items}")
        items: list[dict[str, Any]] = []
        errors: dict[str, str] = {}
        for index, item in enumerate(value):
            where = f"{field}[{index}]"
            if not isinstance(item, Mapping):
                errors[where] = f"must be a mapping of fields; expected {expected}"
                continue
            try:
                items.append(validate(item, today=today))
            except ValidationError as exc:
                errors.update({f"{where}.{k}": m for k, m in exc.errors.items()})
        if errors:
            raise ValidationError.many(errors)
        return items

    return Parser(parse, expected)
