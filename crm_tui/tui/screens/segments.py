"""Segments: every built-in segment (lifecycle, RFM, loyalty tier) and the custom ones, each
with its live member count; custom segments are written in the rule editor, and `enter`
lists a segment's members on the Customers screen.

Counts are read in a worker on every data change (the membership engine keeps them
current incrementally, so this is cheap after the first time).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from crm_tui.domain.money import format_money_short
from crm_tui.domain.settings import Settings
from crm_tui.domain.wording import counted
from crm_tui.services.segments import SegmentCount
from crm_tui.tui.keymap import hint
from crm_tui.tui.widgets.badges import (
    LIFECYCLE_COLORS,
    RFM_COLORS,
    TIER_COLORS,
    badge,
    lifecycle_label,
)
from crm_tui.tui.widgets.rule_editor import RuleEditor

from .customers import CustomersScreen
from .record_list import Listing, RecordListScreen

COLORS = {"lifecycle": LIFECYCLE_COLORS, "rfm": RFM_COLORS, "tier": TIER_COLORS}
# The RFM segment rules of the spec, first match wins (scores come from the RFM settings).
RFM_RULES = {
    "New Customers": "F=1 and R>=4", "Champions": "R>=4, F>=4 and M>=4",
    "Lost": "R=1, F<=2 and M<=2", "At Risk": "R<=2", "VIP": "M=5", "Loyal Customers": "F>=4",
    "Potential Loyalists": "everyone else with orders",
}


def builtin_rule(kind: str, name: str, settings: Settings) -> str:
    """What puts a customer in a built-in segment, under the current settings."""
    if kind == "rfm":
        return RFM_RULES.get(name, "")
    if kind == "tier":
        points = dict(settings.tiers.thresholds).get(name, 0)
        return f"{points:,}+ lifetime points"
    life = settings.lifecycle
    return {
        "prospect": "no orders",
        "inactive": f"last order {life.inactive_days}+ days ago",
        "at_risk": f"last order {life.at_risk_days}+ days ago",
        "vip": f"{life.vip_orders}+ orders or ${format_money_short(life.vip_spent_cents)}+ spent",
        "returning": f"{life.returning_orders}+ orders",
        "new": "one order",
    }.get(name, "")


def member_key(row_key: str) -> str | int:
    """A row's segment key: a custom segment's id, or "lifecycle:vip" and the like."""
    return int(row_key) if row_key.isdigit() else row_key


class SegmentsScreen(RecordListScreen):
    SUB_TITLE = "Segments"
    COLUMNS: ClassVar = (("Kind", 9), ("Segment", 21), ("Members", 8), ("Rule", None))
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "members", "Members", id="segments.members", priority=True),
        Binding("n", "new", "New", id="segments.new"),
        Binding("e", "edit", "Edit", id="segments.edit"),
        Binding("d,delete", "delete", "Delete", id="segments.delete"),
    ]

    def fetch(self, theme: Mapping[str, str]) -> Listing:
        settings = self.crm.ctx.settings
        counts = [c for c in self.crm.segments.counts() if c.kind != "custom"]
        customs = self.crm.segments.all()
        rows = [(str(c.key), self._builtin_row(c, settings, theme)) for c in counts]
        for s in customs:
            color = s.get("color") if s.get("color") in theme else "accent"
            name = badge(s["name"] + ("" if s.get("active", True) else " (off)"),
                         str(color), theme)
            rows.append((str(s["id"]), ("custom", name, _count(s["count"]),
                                        s["rule_text"])))
        people = sum(c.count for c in counts if c.kind == "lifecycle")
        summary = (f"{counted(people, 'customer')} · {len(customs)} custom · live counts · "
                   "lifecycle and RFM: first match wins")
        return Listing(summary, rows)

    @staticmethod
    def _builtin_row(c: SegmentCount, settings: Settings,
                     theme: Mapping[str, str]) -> tuple[str, Text, Text, str]:
        label = lifecycle_label(c.name) if c.kind == "lifecycle" else c.name
        color = COLORS[c.kind].get(c.name, "primary")
        return (c.kind, badge(label, color, theme), _count(c.count),
                builtin_rule(c.kind, c.name, settings))

    # ----- actions -----------------------------------------------------------------------
    async def action_members(self) -> None:
        key = self.current_key
        if key is None:
            return
        await self.app.switch_mode("customers")
        customers = self.app.get_screen_stack("customers")[0]
        if isinstance(customers, CustomersScreen):
            customers.show_segment(member_key(key))

    def action_new(self) -> None:
        self.app.push_screen(RuleEditor(self.crm), self._edited)

    def action_edit(self) -> None:
        segment_id = self._custom_id()
        if segment_id is not None:
            self.app.push_screen(RuleEditor(self.crm, segment_id), self._edited)

    def action_delete(self) -> None:
        segment_id = self._custom_id()
        if segment_id is None:
            return
        name = self.crm.segments.get(segment_id)["name"]
        self.crm_app.confirm(
            f"Delete the segment {name}? (its customers are not touched; "
            f"{hint(self, 'undo')} undoes)",
            lambda: self.crm.segments.delete(segment_id), f"Deleted segment {name}")

    def _custom_id(self) -> int | None:
        segment_id = self.current_id()
        if segment_id is None and self.current_key is not None:
            self.notify("Built-in segments follow the rule settings: change them in "
                        "Settings (8)", severity="warning")
        return segment_id

    def _edited(self, saved: bool | None) -> None:
        if saved:
            self.notify("Segment saved", timeout=3)
            self.crm_app.data_changed()


def _count(n: int) -> Text:
    return Text(f"{n:,}", justify="right")
