"""Reading and changing the rule settings: every threshold of the business rules.

`SETTINGS` lists the editable ones as they are typed (money in dollars, thresholds as
"30, 60, 90, 180", tiers and stages as "Gold 1000, ..."), with `show` and `read` to go
between stored values and that text; the Settings screen is a form over them.

Settings live in the "settings" table as one document (id 1). A change is merged into the
current settings section by section, validated as a whole by `Settings.from_dict` (errors
name the dotted field, e.g. `lifecycle.at_risk_days`), and saved in one audited, undoable
change. Every session re-reads them when the database generation moves, so badges and
counts everywhere follow at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from crm_tui.domain.entities.common import parse_int
from crm_tui.domain.errors import ValidationError
from crm_tui.domain.money import format_money_short, parse_money
from crm_tui.domain.rules.rfm import breaks_from_totals
from crm_tui.domain.settings import RfmBreaks, Settings

from . import tables
from .changes import Changes
from .context import SETTINGS_ID, SETTINGS_TABLE, ServiceContext
from .profiles import totals_of


@dataclass(frozen=True)
class Setting:
    path: str  # "section.field", as Settings.to_dict() has it and its errors name it
    label: str
    kind: str = "int"  # int | int? (blank: none) | money | ints | moneys | named | text | choice
    item_key: str = ""  # named lists: the number's key beside "name"


S = Setting
SECTIONS: list[tuple[str, list[Setting]]] = [
    ("Lifecycle segments (first match wins)", [
        S("lifecycle.inactive_days", "Inactive after (days)"),
        S("lifecycle.at_risk_days", "At risk after (days)"),
        S("lifecycle.vip_orders", "VIP from (orders)"),
        S("lifecycle.vip_spent_cents", "VIP from (spent, $)", "money"),
        S("lifecycle.returning_orders", "Returning from (orders)")]),
    ("RFM scores: thresholds for 5, 4, 3, 2", [
        S("rfm.mode", "Mode", "choice"),
        S("rfm.recency_days", "Recency (days)", "ints"),
        S("rfm.frequency_orders", "Frequency (orders)", "ints"),
        S("rfm.monetary_cents", "Monetary ($)", "moneys")]),
    ("Churn risk", [
        S("churn.min_tau_days", "Shortest mean gap (days)"),
        S("churn.default_tau_days", "Gap under 2 orders (days)")]),
    ("Loyalty program", [
        S("loyalty.points_per_unit", "Points per unit"),
        S("loyalty.unit_cents", "Unit ($)", "money"),
        S("loyalty.multiplier", "Multiplier", "text"),
        S("loyalty.min_purchase_cents", "Minimum purchase ($)", "money"),
        S("loyalty.expiry_days", "Points expire (days)", "int?"),
        S("tiers.thresholds", "Tiers (lifetime points)", "named", "min_points")]),
    ("Pipeline", [
        S("pipeline.stages", "Stages (probability %)", "named", "probability"),
        S("pipeline.won_stage", "Won stage", "text"),
        S("pipeline.lost_stage", "Lost stage", "text"),
        S("pipeline.stale_days", "Stale after (days)"),
        S("pipeline.best_case_min_probability", "Best case from (%)")]),
    ("Feedback", [
        S("feedback.negative_max_rating", "Negative up to (rating)"),
        S("feedback.neutral_max_rating", "Neutral up to (rating)"),
        S("feedback.detractor_max_score", "Detractor up to (score)"),
        S("feedback.promoter_min_score", "Promoter from (score)")]),
]
SETTINGS = [s for _, group in SECTIONS for s in group]


def show(setting: Setting, value: Any) -> str:
    """A stored value as it is typed."""
    if value is None:
        return ""
    if setting.kind == "money":
        return format_money_short(value)
    if setting.kind in ("ints", "moneys"):
        fmt = format_money_short if setting.kind == "moneys" else str
        return ", ".join(fmt(v) for v in value)
    if setting.kind == "named":
        return ", ".join(f"{item['name']} {item[setting.item_key]}" for item in value)
    return str(value)


def read(setting: Setting, text: str) -> Any:
    """What is typed as the value Settings.from_dict takes; errors name the dotted field."""
    path, kind, text = setting.path, setting.kind, text.strip()
    if kind in ("text", "choice") or (kind == "int?" and not text):
        return text or None
    if kind in ("int", "int?"):
        return parse_int(text, path)
    if kind == "money":
        return parse_money(text, path)
    items = [item.strip() for item in text.split(",")]
    if kind == "ints":
        return [parse_int(item, f"{path}[{i}]") for i, item in enumerate(items)]
    if kind == "moneys":
        return [parse_money(item, f"{path}[{i}]") for i, item in enumerate(items)]
    named = []
    for i, item in enumerate(items):
        name, _, number = item.rpartition(" ")
        if not name.strip():
            raise ValidationError(f"{path}[{i}]", f"write a name and a number, not {item!r}")
        key = setting.item_key
        named.append({"name": name.strip(),
                      key: parse_int(number.rstrip("%"), f"{path}[{i}].{key}")})
    return named


def owner(error_field: str) -> Setting | None:
    """The setting an error names: `rfm.recency_days[2]` belongs to `rfm.recency_days`."""
    for setting in SETTINGS:
        if error_field == setting.path or error_field.startswith((setting.path + "[",
                                                                   setting.path + ".")):
            return setting
    return None


class SettingsService:
    def __init__(self, ctx: ServiceContext, changes: Changes) -> None:
        self.ctx = ctx
        self.changes = changes

    def get(self) -> Settings:
        return self.ctx.settings

    def merged(self, changes: Mapping[str, Any]) -> Settings:
        """The settings `changes` ({section: {field: value}}) would give; nothing is saved.
        Raises ValidationError naming the dotted field."""
        current = self.get().to_dict()
        data = dict(current)
        for section, values in changes.items():
            # A section given partially keeps its other fields; anything else is passed on
            # as is so that validation reports it under its own name.
            before = current.get(section)
            data[section] = ({**before, **values}
                             if isinstance(before, Mapping) and isinstance(values, Mapping)
                             else values)
        return Settings.from_dict(data)

    def update(self, changes: Mapping[str, Any], breaks: RfmBreaks | None = None) -> Settings:
        """Validate and save; returns the new settings. RFM switched to quintile mode (or
        in it without break points) gets its break points (`breaks`, computed beforehand
        with `quintile_breaks`, else now), stamped with the time: they stay as computed
        until the mode is switched on again."""
        settings = self.merged(changes)
        if self.needs_breaks(settings):
            rfm = settings.rfm
            settings = replace(settings, rfm=replace(
                rfm, quintile_breaks=breaks or self.quintile_breaks()))
        with self.changes.change("Edit settings"):
            self.ctx.db.table(SETTINGS_TABLE).replace(SETTINGS_ID, settings.to_dict())
        return settings

    def needs_breaks(self, settings: Settings) -> bool:
        """Whether saving `settings` ranks the customers for quintile break points (a scan
        of every customer: the screen does it away from the keyboard)."""
        rfm = settings.rfm
        return rfm.mode == "quintile" and (rfm.quintile_breaks is None
                                           or self.get().rfm.mode != "quintile")

    def quintile_breaks(self) -> RfmBreaks:
        """Quintile break points over the customers with orders (not those in the trash),
        streamed from the store. Refused naming rfm.mode when nobody has orders."""
        clock = self.ctx.clock
        customers = (totals_of(doc) for _, doc in self.ctx.db.scan(tables.CUSTOMERS)
                     if not doc.get("deleted_at"))
        try:
            return breaks_from_totals(customers, clock.today(), clock.now())
        except ValidationError:
            raise ValidationError("rfm.mode", "quintile mode needs at least one customer "
                                              "with orders to rank the others by") from None
