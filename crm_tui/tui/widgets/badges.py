"""Colored badges for segments, tiers and tags, in theme colors (never literal colors).

Each badge names a theme variable; widgets resolve it against the current theme, so badges
follow theme changes and stay readable in the high-contrast theme. With NO_COLOR the text
alone still says everything.

A customer can be a lifecycle "vip", in the RFM segment "VIP" and of the loyalty tier "VIP"
at once: three things, so three wordings, told apart at a glance wherever they show (the
table's rows, the 360 view): the lifecycle segment as its own word ("vip", "at risk"), the
RFM segment after "RFM" ("RFM VIP"), the tier before "tier" ("VIP tier").
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.color import Color, ColorParseError
from rich.style import Style
from rich.text import Text

LIFECYCLE_COLORS = {
    "prospect": "secondary", "new": "primary", "returning": "accent", "vip": "success",
    "at_risk": "warning", "inactive": "error",
}
RFM_COLORS = {
    "Champions": "success", "Loyal Customers": "success", "VIP": "accent",
    "Potential Loyalists": "primary", "New Customers": "primary", "At Risk": "warning",
    "Lost": "error",
}
TIER_COLORS = {
    "New": "secondary", "Bronze": "warning", "Silver": "foreground", "Gold": "warning",
    "Platinum": "accent", "VIP": "success",
}
LIFECYCLE_LABELS = {"at_risk": "at risk"}
OVERRIDE_NOTE = "* lifecycle segment set by hand"  # what the star after one means


def lifecycle_label(segment: str, overridden: bool = False) -> str:
    label = LIFECYCLE_LABELS.get(segment, segment)
    return f"{label}*" if overridden else label  # * marks a manual override


def rfm_label(segment: str | None) -> str:
    """ "RFM VIP"; nothing for a customer without orders (no RFM score)."""
    return f"RFM {segment}" if segment else ""


def tier_label(tier: str) -> str:
    """ "Gold tier": the loyalty tier, whatever the tiers are named in the settings."""
    return f"{tier} tier" if tier else ""


def badge_style(variable: str, theme: Mapping[str, str]) -> Style:
    """Text in the variable's color on a faint background of it."""
    color = theme.get(variable) or theme.get("foreground") or "default"
    return Style(color=color, bold=True)


def badge(label: str, variable: str, theme: Mapping[str, str]) -> Text:
    return Text(f" {label} ", style=badge_style(variable, theme))


def segment_badges(lifecycle: str, overridden: bool, rfm: str | None, tier: str,
                   custom: list[tuple[str, str | None]], theme: Mapping[str, str]) -> Text:
    """The badge line shown wherever a customer appears."""
    parts = [badge(lifecycle_label(lifecycle, overridden),
                   LIFECYCLE_COLORS.get(lifecycle, "primary"), theme)]
    if rfm:
        parts.append(badge(rfm_label(rfm), RFM_COLORS.get(rfm, "primary"), theme))
    parts.append(badge(tier_label(tier), TIER_COLORS.get(tier, "secondary"), theme))
    for name, color in custom:
        shown = color if color is not None and color in theme else "accent"
        parts.append(badge(name, shown, theme))
    return Text(" ").join(parts)


def rich_colors(variables: Mapping[str, str]) -> dict[str, str]:
    """The theme variables Rich can draw: "ansi_yellow" (the ANSI theme) becomes "yellow";
    CSS-only values ("auto 87%", colors with alpha) are left out, so callers fall back."""
    colors = {}
    for name, value in variables.items():
        color = value.removeprefix("ansi_")
        try:
            Color.parse(color)
        except ColorParseError:
            continue
        colors[name] = color
    return colors
