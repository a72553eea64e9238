"""Every configurable threshold of the business rules, with the defaults of SPEC section 3.

Each section is a frozen dataclass that validates itself on construction, so an invalid value
can never reach a rule. `Settings.to_dict()` gives JSON-safe data (ints, strings, lists, dicts;
the loyalty multiplier as an int or float, read back exactly through its decimal repr) and
`Settings.from_dict()` reads it back: missing keys take their defaults, unknown keys and bad
values raise `ValidationError` naming the dotted field (`lifecycle.inactive_days`).
Unknown keys are rejected rather than ignored because a misspelt hand-edited setting would
otherwise silently do nothing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, Self

from crm_tui.domain.errors import ValidationError

RFM_MODES = ("fixed", "quintile")


def _int(path: str, value: object, minimum: int = 0, maximum: int | None = None) -> int:
    # bool is an int subclass: `true` in a settings file is a mistake, not 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(path, "must be a whole number")
    if value < minimum:
        raise ValidationError(path, f"must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise ValidationError(path, f"must be at most {maximum}")
    return value


def _ints(path: str, value: object, order: str, minimum: int = 0) -> tuple[int, ...]:
    """Four thresholds in a strict ("asc"/"desc") or non-strict ("nondecreasing") order."""
    if isinstance(value, str | bytes) or not isinstance(value, list | tuple) or len(value) != 4:
        raise ValidationError(path, "must be a list of 4 whole numbers")
    items = tuple(_int(f"{path}[{i}]", v, minimum) for i, v in enumerate(value))
    pairs = list(itertools.pairwise(items))
    ok = {
        "asc": all(a < b for a, b in pairs),
        "desc": all(a > b for a, b in pairs),
        "nondecreasing": all(a <= b for a, b in pairs),
    }[order]
    if not ok:
        raise ValidationError(path, f"must be in {order.replace('asc', 'ascending')} order")
    return items


def _named_ints(path: str, value: object, key: str) -> tuple[tuple[str, int], ...]:
    """A list of {"name": ..., key: int} objects, or a {name: int} mapping, as ordered pairs."""
    if isinstance(value, Mapping):
        value = [{"name": n, key: v} for n, v in value.items()]
    if isinstance(value, str | bytes) or not isinstance(value, list | tuple) or not value:
        raise ValidationError(path, "must be a non-empty list")
    pairs: list[tuple[str, int]] = []
    for i, item in enumerate(value):
        if isinstance(item, tuple) and len(item) == 2:
            item = {"name": item[0], key: item[1]}
        if not isinstance(item, Mapping):
            raise ValidationError(f"{path}[{i}]", f"must be an object with name and {key}")
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ValidationError(f"{path}[{i}].name", "must be a non-empty text")
        pairs.append((name, _int(f"{path}[{i}].{key}", item.get(key), 0)))
    names = [n.casefold() for n, _ in pairs]
    if len(set(names)) != len(names):
        raise ValidationError(path, "names must be unique")
    return tuple(pairs)


class _Section:
    """Shared to_dict/from_dict for the flat sections; subclasses convert odd-typed fields."""

    SECTION: ClassVar[str]

    def _path(self, name: str) -> str:
        return f"{self.SECTION}.{name}"

    def to_dict(self) -> dict[str, Any]:
        names = [f.name for f in dataclasses.fields(self)]  # type: ignore[arg-type]
        return {name: self._encode(name, getattr(self, name)) for name in names}

    def _encode(self, name: str, value: Any) -> Any:
        return list(value) if isinstance(value, tuple) else value

    @classmethod
    def from_dict(cls, data: object) -> Self:
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise ValidationError(cls.SECTION, "must be an object")
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        for key in data:
            if key not in {f.name for f in fields}:
                raise ValidationError(f"{cls.SECTION}.{key}", "unknown setting")
        # A missing field without a default goes in as None so validation names it.
        required = {f.name: None for f in fields
                    if f.default is dataclasses.MISSING
                    and f.default_factory is dataclasses.MISSING}
        return cls(**{**required, **data})


@dataclass(frozen=True)
class LoyaltySettings(_Section):
    """Points per purchase: floor(total / unit) x points_per_unit x multiplier, floored."""

    SECTION: ClassVar[str] = "loyalty"
    points_per_unit: int = 1
    unit_cents: int = 1000
    multiplier: Decimal = Decimal(1)
    min_purchase_cents: int = 0
    expiry_days: int | None = None

    def __post_init__(self) -> None:
        _int(self._path("points_per_unit"), self.points_per_unit)
        _int(self._path("unit_cents"), self.unit_cents, 1)
        _int(self._path("min_purchase_cents"), self.min_purchase_cents)
        if self.expiry_days is not None:
            _int(self._path("expiry_days"), self.expiry_days, 1)
        object.__setattr__(self, "multiplier", _multiplier(self.multiplier))

    def _encode(self, name: str, value: Any) -> Any:
        if name == "multiplier":
            # float(str) round-trips through repr, so from_dict gets the same Decimal back.
            return int(value) if value == value.to_integral_value() else float(value)
        return super()._encode(name, value)


def _multiplier(value: object) -> Decimal:
    path = "loyalty.multiplier"
    # str() of a float is its shortest repr: 1.1 gives Decimal("1.1"), not 1.100000000000000088.
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValidationError(path, "must be a number, 0 or more")
    try:
        mult = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError(path, "must be a number, 0 or more") from None
    if not mult.is_finite() or mult < 0:
        raise ValidationError(path, "must be a number, 0 or more")
    return mult


DEFAULT_TIERS: tuple[tuple[str, int], ...] = (
    ("New", 0), ("Bronze", 100), ("Silver", 500), ("Gold", 1000), ("Platinum", 2500), ("VIP", 5000),
)


@dataclass(frozen=True)
class TierSettings(_Section):
    """Loyalty tiers as (name, minimum lifetime points earned), lowest first, starting at 0."""

    SECTION: ClassVar[str] = "tiers"
    thresholds: tuple[tuple[str, int], ...] = DEFAULT_TIERS

    def __post_init__(self) -> None:
        path = self._path("thresholds")
        pairs = _named_ints(path, self.thresholds, "min_points")
        if pairs[0][1] != 0:
            raise ValidationError(path, "the first tier must start at 0 points")
        if any(a[1] >= b[1] for a, b in itertools.pairwise(pairs)):
            raise ValidationError(path, "minimum points must be in ascending order")
        object.__setattr__(self, "thresholds", pairs)

    def _encode(self, name: str, value: Any) -> Any:
        return [{"name": n, "min_points": p} for n, p in value]


@dataclass(frozen=True)
class LifecycleSettings(_Section):
    SECTION: ClassVar[str] = "lifecycle"
    inactive_days: int = 90
    at_risk_days: int = 60
    vip_orders: int = 3
    vip_spent_cents: int = 50000
    returning_orders: int = 2

    def __post_init__(self) -> None:
        _int(self._path("inactive_days"), self.inactive_days, 1)
        _int(self._path("at_risk_days"), self.at_risk_days, 1, self.inactive_days)
        _int(self._path("vip_orders"), self.vip_orders, 1)
        _int(self._path("vip_spent_cents"), self.vip_spent_cents)
        _int(self._path("returning_orders"), self.returning_orders, 1)


@dataclass(frozen=True)
class RfmBreaks(_Section):
    """Quintile break points (20th/40th/60th/80th percentiles) and when they were computed."""

    SECTION: ClassVar[str] = "rfm.quintile_breaks"
    recency_days: tuple[int, ...]
    frequency_orders: tuple[int, ...]
    monetary_cents: tuple[int, ...]
    computed_at: dt.datetime

    def __post_init__(self) -> None:
        for name in ("recency_days", "frequency_orders", "monetary_cents"):
            values = _ints(self._path(name), getattr(self, name), "nondecreasing")
            object.__setattr__(self, name, values)
        stamp = self.computed_at
        if isinstance(stamp, str):
            with contextlib.suppress(ValueError):
                stamp = dt.datetime.fromisoformat(stamp)
        if not isinstance(stamp, dt.datetime):
            raise ValidationError(self._path("computed_at"), "must be an ISO date and time")
        object.__setattr__(self, "computed_at", stamp)

    def _encode(self, name: str, value: Any) -> Any:
        return value.isoformat() if name == "computed_at" else super()._encode(name, value)


@dataclass(frozen=True)
class RfmSettings(_Section):
    """Fixed thresholds for scores 5, 4, 3, 2 (anything beyond scores 1), plus quintile mode."""

    SECTION: ClassVar[str] = "rfm"
    mode: str = "fixed"
    recency_days: tuple[int, ...] = (30, 60, 90, 180)
    frequency_orders: tuple[int, ...] = (10, 7, 4, 2)
    monetary_cents: tuple[int, ...] = (500000, 250000, 100000, 50000)
    quintile_breaks: RfmBreaks | None = None

    def __post_init__(self) -> None:
        if self.mode not in RFM_MODES:
            raise ValidationError(self._path("mode"), "must be fixed or quintile")
        fix = object.__setattr__
        fix(self, "recency_days", _ints(self._path("recency_days"), self.recency_days, "asc"))
        fix(self, "frequency_orders",
            _ints(self._path("frequency_orders"), self.frequency_orders, "desc", 1))
        fix(self, "monetary_cents",
            _ints(self._path("monetary_cents"), self.monetary_cents, "desc"))
        if self.quintile_breaks is not None and not isinstance(self.quintile_breaks, RfmBreaks):
            fix(self, "quintile_breaks", RfmBreaks.from_dict(self.quintile_breaks))

    def _encode(self, name: str, value: Any) -> Any:
        if name == "quintile_breaks":
            return None if value is None else value.to_dict()
        return super()._encode(name, value)


@dataclass(frozen=True)
class ChurnSettings(_Section):
    SECTION: ClassVar[str] = "churn"
    min_tau_days: int = 30
    default_tau_days: int = 90

    def __post_init__(self) -> None:
        _int(self._path("min_tau_days"), self.min_tau_days, 1)
        _int(self._path("default_tau_days"), self.default_tau_days, 1)


DEFAULT_STAGES: tuple[tuple[str, int], ...] = (
    ("Prospecting", 10), ("Qualification", 25), ("Proposal", 50), ("Negotiation", 75),
    ("Closed Won", 100), ("Closed Lost", 0),
)


@dataclass(frozen=True)
class PipelineSettings(_Section):
    """Stages in board order with their default probability (percent, 0-100)."""

    SECTION: ClassVar[str] = "pipeline"
    stages: tuple[tuple[str, int], ...] = DEFAULT_STAGES
    won_stage: str = "Closed Won"
    lost_stage: str = "Closed Lost"
    stale_days: int = 14
    best_case_min_probability: int = 50

    def __post_init__(self) -> None:
        pairs = _named_ints(self._path("stages"), self.stages, "probability")
        for i, (_, prob) in enumerate(pairs):
            _int(f"{self._path('stages')}[{i}].probability", prob, 0, 100)
        object.__setattr__(self, "stages", pairs)
        names = [n for n, _ in pairs]
        for key in ("won_stage", "lost_stage"):
            if getattr(self, key) not in names:
                raise ValidationError(self._path(key), "must be one of the stages")
        if self.won_stage == self.lost_stage:
            raise ValidationError(self._path("lost_stage"), "must differ from the won stage")
        _int(self._path("stale_days"), self.stale_days)
        _int(self._path("best_case_min_probability"), self.best_case_min_probability, 0, 100)

    def _encode(self, name: str, value: Any) -> Any:
        if name == "stages":
            return [{"name": n, "probability": p} for n, p in value]
        return super()._encode(name, value)


@dataclass(frozen=True)
class FeedbackSettings(_Section):
    """Sentiment bands over the 1-5 rating and NPS bands over the 0-10 recommend score."""

    SECTION: ClassVar[str] = "feedback"
    negative_max_rating: int = 2
    neutral_max_rating: int = 3
    detractor_max_score: int = 6
    promoter_min_score: int = 9

    def __post_init__(self) -> None:
        _int(self._path("negative_max_rating"), self.negative_max_rating, 0, 5)
        _int(self._path("neutral_max_rating"), self.neutral_max_rating, self.negative_max_rating, 5)
        _int(self._path("detractor_max_score"), self.detractor_max_score, 0, 9)
        _int(self._path("promoter_min_score"), self.promoter_min_score,
             self.detractor_max_score + 1, 10)


_SECTIONS: dict[str, type[_Section]] = {
    "loyalty": LoyaltySettings, "tiers": TierSettings, "lifecycle": LifecycleSettings,
    "rfm": RfmSettings, "churn": ChurnSettings, "pipeline": PipelineSettings,
    "feedback": FeedbackSettings,
}


@dataclass(frozen=True)
class Settings:
    """All rule settings; change one with `dataclasses.replace`."""

    loyalty: LoyaltySettings = field(default_factory=LoyaltySettings)
    tiers: TierSettings = field(default_factory=TierSettings)
    lifecycle: LifecycleSettings = field(default_factory=LifecycleSettings)
    rfm: RfmSettings = field(default_factory=RfmSettings)
    churn: ChurnSettings = field(default_factory=ChurnSettings)
    pipeline: PipelineSettings = field(default_factory=PipelineSettings)
    feedback: FeedbackSettings = field(default_factory=FeedbackSettings)

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name).to_dict() for name in _SECTIONS}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Settings:
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise ValidationError("settings", "must be an object")
        for key in data:
            if key not in _SECTIONS:
                raise ValidationError(str(key), "unknown settings section")
        return cls(**{name: _SECTIONS[name].from_dict(data.get(name)) for name in _SECTIONS})  # type: ignore[arg-type]
