"""Loyalty points: earning per purchase, tiers, the points ledger, FIFO expiry, redemption.

Ledger convention: every entry's `points` is the signed change it makes to the balance, so the
balance is a plain sum. `earn` entries are positive, `redeem` and `expire` entries negative,
`adjust` entries either sign (never zero).

Expiry is first-in first-out: each positive entry (an earn, or a positive adjustment) is a lot
that expires `expiry_days` after its date; redemptions and negative adjustments consume the
oldest unexpired lots first; whatever is left of a lot on its expiry date expires that day.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from crm_tui.domain.errors import ValidationError
from crm_tui.domain.rules._records import as_date, get, norm
from crm_tui.domain.settings import LoyaltySettings, TierSettings

EARN, REDEEM, EXPIRE, ADJUST = "earn", "redeem", "expire", "adjust"
LEDGER_KINDS = (EARN, REDEEM, EXPIRE, ADJUST)
_LOYALTY = LoyaltySettings()
_TIERS = TierSettings()


@dataclass(frozen=True)
class LedgerEntry:
    kind: str
    points: int
    date: dt.date


def ledger_entry(record: object) -> LedgerEntry:
    """Read and check one ledger entry given as `LedgerEntry`, an object or a stored dict."""
    day: dt.date | None
    if isinstance(record, LedgerEntry):
        kind, points, day = record.kind, record.points, record.date
    else:
        kind = norm(get(record, "kind"))
        points = get(record, "points")
        day = as_date(get(record, "date"), "date")
    if kind not in LEDGER_KINDS:
        raise ValidationError("kind", "must be earn, redeem, expire or adjust")
    if isinstance(points, bool) or not isinstance(points, int) or points == 0:
        raise ValidationError("points", "must be a non-zero whole number")
    if kind == EARN and points < 0:
        raise ValidationError("points", "earned points must be positive")
    if kind in (REDEEM, EXPIRE) and points > 0:
        raise ValidationError("points", f"{kind} entries must be negative (they lower the balance)")
    if not isinstance(day, dt.date):
        raise ValidationError("date", "is required")
    return LedgerEntry(kind, points, day)


def points_for_purchase(total_cents: int, settings: LoyaltySettings = _LOYALTY) -> int:
    """Points one completed purchase earns: floor(total / unit) x points_per_unit x multiplier.

    The product is floored again so fractional multipliers still give whole points; purchases
    under the program minimum earn nothing. $9.99 -> 0, $10 -> 1, $1,200 -> 120 by default.
    """
    if isinstance(total_cents, bool) or not isinstance(total_cents, int):
        raise ValidationError("total_cents", "must be a whole number of cents")
    if total_cents < 0:
        raise ValidationError("total_cents", "cannot be negative")
    if total_cents < settings.min_purchase_cents:
        return 0
    points = total_cents // settings.unit_cents * settings.points_per_unit
    if settings.multiplier == 1:
        return points  # the default: no decimal arithmetic (an import asks a million times)
    raw = Decimal(points) * settings.multiplier
    return int(raw.to_integral_value(rounding=ROUND_FLOOR))


def tier_for_points(lifetime_points: int, tiers: TierSettings = _TIERS) -> str:
    """The highest tier whose minimum the lifetime points earned reach (New below 100)."""
    name = tiers.thresholds[0][0]
    for tier, minimum in tiers.thresholds:
        if lifetime_points >= minimum:
            name = tier
    return name


def next_tier(lifetime_points: int, tiers: TierSettings = _TIERS) -> tuple[str, int] | None:
    """(next tier, points still needed to reach it), or None at the top tier."""
    for tier, minimum in tiers.thresholds:
        if minimum > lifetime_points:
            return tier, minimum - lifetime_points
    return None


@dataclass(frozen=True)
class LoyaltySummary:
    balance: int
    lifetime_earned: int
    redeemed: int
    expired: int
    adjusted: int
    tier: str


def summarize_ledger(
    entries: Iterable[object], tiers: TierSettings = _TIERS
) -> LoyaltySummary:
    """Balance and totals per kind (redeemed/expired as positive amounts) plus the tier.

    The tier follows points *earned* only: adjustments correct the balance, not the history.
    """
    sums = dict.fromkeys(LEDGER_KINDS, 0)
    for raw in entries:
        entry = ledger_entry(raw)
        sums[entry.kind] += entry.points
    return LoyaltySummary(
        balance=sum(sums.values()),
        lifetime_earned=sums[EARN],
        redeemed=-sums[REDEEM],
        expired=-sums[EXPIRE],
        adjusted=sums[ADJUST],
        tier=tier_for_points(sums[EARN], tiers),
    )


@dataclass
class _Lot:
    """Points earned on one day, less what redemptions have taken from them since."""

    earned: dt.date
    left: int


def due_expirations(
    entries: Iterable[object], as_of: dt.date, settings: LoyaltySettings = _LOYALTY
) -> list[LedgerEntry]:
    """The `expire` entries to append so the ledger is up to date as of `as_of`.

    One entry per expiry date, dated on that date. Expirations already in the ledger are
    taken off the oldest due ones first, so calling this again after recording them returns
    nothing. Entries dated after `as_of` are ignored.
    """
    if settings.expiry_days is None:
        return []
    life = dt.timedelta(days=settings.expiry_days)
    parsed = [e for e in map(ledger_entry, entries) if e.date <= as_of]
    # Same-day credits first, so points earned in the morning can be redeemed that afternoon.
    parsed.sort(key=lambda e: (e.date, e.points < 0))
    lots: deque[_Lot] = deque()  # oldest first
    due: list[tuple[dt.date, int]] = []

    def expire_through(day: dt.date) -> None:
        while lots and lots[0].earned + life <= day:
            lot = lots.popleft()
            if lot.left:
                due.append((lot.earned + life, lot.left))

    for entry in parsed:
        if entry.kind == EXPIRE:
            continue  # recorded expirations are reconciled below, not consumed again
        expire_through(entry.date)
        if entry.points > 0:
            lots.append(_Lot(entry.date, entry.points))
            continue
        need = -entry.points
        while need and lots:
            take = min(need, lots[0].left)
            lots[0].left -= take
            need -= take
            if lots[0].left == 0:
                lots.popleft()
    expire_through(as_of)

    recorded = -sum(e.points for e in parsed if e.kind == EXPIRE)
    merged: dict[dt.date, int] = {}
    for day, points in due:
        skip = min(recorded, points)
        recorded -= skip
        if points - skip:
            merged[day] = merged.get(day, 0) + points - skip
    return [LedgerEntry(EXPIRE, -points, day) for day, points in sorted(merged.items())]


def validate_redemption(points: object, balance: int) -> int:
    """Check a redemption request against the balance; returns the points to redeem."""
    if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
        raise ValidationError("points", "must be a positive whole number")
    if points > balance:
        raise ValidationError("points", f"cannot exceed the balance of {max(balance, 0)}")
    return points
