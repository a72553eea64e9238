"""`crm report`: the plain-text summary in the layout of the sample report of the earlier
SQLite-based CRM system, and more.

    print(summary_report(crm, date(2026, 6, 15)))

That report's sections (customer metrics, sales metrics, sales pipeline, top 5 customers) with
the same figures and wording, then lifecycle, RFM, loyalty and custom segment counts, top
products, interactions by channel, feedback and NPS, and today's follow-ups and tasks.
Plain ASCII (friendlier than emoji in cron mail), money as $12,450.00, rates with one
decimal; every figure is as of the date given, so the same data and date give the same text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from crm_tui.domain.money import display_money
from crm_tui.domain.rules.feedback import NpsBreakdown

from .analytics import CustomerFigures, TopCustomer
from .crm import Crm
from .to_do import FOLLOW_UP, TASK, team_counts_by_kind

WIDTH = 80
TOP = 5
RECENT_DAYS = 30
# Words whose capitals are not those of a title ("vip" -> "VIP", not "Vip").
SPELLINGS = {"vip": "VIP", "sms": "SMS", "rfm": "RFM", "whatsapp": "WhatsApp"}

Lines = list[str]


def summary_report(crm: Crm, as_of: dt.date) -> str:
    """The whole report as text, ending with a newline."""
    people = crm.analytics.customer_figures(as_of, TOP)
    sections = (_customers(crm, as_of, people), _sales(crm, as_of),
                _pipeline(crm, as_of), _top_customers(crm, people.top),
                _top_products(crm, as_of), _segments(crm, as_of), _interactions(crm, as_of),
                _feedback(crm, as_of), _agenda(crm, as_of))
    lines = ["=" * WIDTH, "CRM SUMMARY REPORT", f"As of {as_of.isoformat()}", "=" * WIDTH]
    for section in sections:
        lines += ["", *section]
    return "\n".join(lines) + "\n"


# ----- formatting ---------------------------------------------------------------------------
def label(key: str) -> str:
    """A stored value as a heading word: "at_risk" -> "At Risk", "vip" -> "VIP"."""
    words = str(key).replace("_", " ").split()
    return " ".join(SPELLINGS.get(w.lower(), w[:1].upper() + w[1:]) for w in words) or "(none)"


def percent(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate * 100:.1f}%"


def _money(cents: int | None) -> str:
    return "n/a" if cents is None else display_money(cents)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _counts(pairs: Iterable[tuple[str, int]], indent: str = "  ") -> Lines:
    return [f"{indent}{label(name)}: {count}" for name, count in pairs]


# ----- sections -----------------------------------------------------------------------------
def _customers(crm: Crm, as_of: dt.date, people: CustomerFigures) -> Lines:
    summary, clients = people.summary, people.buyers
    return [
        "CUSTOMER METRICS:",
        f"  Total Customers: {summary.total}",
        f"  Active Customers: {summary.active}",
        f"  Inactive Customers: {summary.total - summary.active}",
        f"  Clients: {clients}",
        f"  Prospects: {summary.total - clients}",
        "  Customers by Type:",
        *_counts(summary.by_type.items(), "    "),
        f"  Total Lifetime Value: {_money(summary.total_ltv_cents)}",
        f"  Average Lifetime Value: {_money(summary.average_ltv_cents or 0)}",
        f"  Repeat Purchase Rate: {percent(people.repeat_rate)}",
        f"  Retention Rate (last {RECENT_DAYS} days): "
        f"{percent(crm.analytics.retention_rate(as_of=as_of, days=RECENT_DAYS))}",
    ]


def _sales(crm: Crm, as_of: dt.date) -> Lines:
    # The recent figures are sums of the per-day revenue.
    sales = crm.analytics.sales_summary(as_of=as_of)
    by_day = sales.revenue_by_day

    def since(first: dt.date) -> int:
        return sum(cents for day, cents in by_day.items() if day >= first.isoformat())

    return [
        "SALES METRICS:",
        f"  Total Transactions: {sales.transactions}",
        f"  Total Revenue: {_money(sales.revenue_cents)}",
        f"  Average Transaction: {_money(sales.average_cents or 0)}",
        f"  Largest Transaction: {_money(sales.largest_cents or 0)}",
        f"  Revenue, Last {RECENT_DAYS} Days: "
        f"{_money(since(as_of - dt.timedelta(days=RECENT_DAYS - 1)))}",
        f"  Revenue, Month to Date: {_money(since(as_of.replace(day=1)))}",
        f"  Revenue, Year to Date: {_money(since(as_of.replace(month=1, day=1)))}",
    ]


def _pipeline(crm: Crm, as_of: dt.date) -> Lines:
    figures = crm.analytics.pipeline(as_of)
    summary = figures.summary
    return [
        "SALES PIPELINE:",
        f"  Total Pipeline Value: {_money(summary.total_cents)}",
        f"  Weighted Forecast: {_money(summary.weighted_cents)}",
        f"  Best Case: {_money(summary.best_case_cents)}",
        f"  Open Opportunities: {summary.open_count}",
        f"  Stale Opportunities: {len(figures.stale_ids)}",
        f"  Won / Lost: {summary.won_count} / {summary.lost_count}",
        f"  Win Rate: {percent(summary.win_rate)}",
        "  Value by Stage:",
        *(f"    {stage}: {_money(cents)}" for stage, cents in figures.value_by_stage.items()),
    ]


def customer_with_company(customer: Mapping[str, object], name: str) -> str:
    """"John Doe (Acme Corp)" as in the seed: a person with the company they work for; a
    corporate customer (named by its company) with its contact person."""
    if customer.get("kind") == "corporate":
        other = " ".join(str(customer.get(k) or "") for k in ("first_name", "last_name"))
    else:
        other = str(customer.get("company") or "")
    other = other.strip()
    return f"{name} ({other})" if other and other != name else name


def _top_customers(crm: Crm, tops: list[TopCustomer]) -> Lines:
    lines = [f"TOP {TOP} CUSTOMERS:"]
    for top in tops:
        doc = crm.customers.get(top.customer_id, include_deleted=True)
        lines.append(f"  {customer_with_company(doc, top.name)} - {_money(top.ltv_cents)}")
    return lines if len(lines) > 1 else [*lines, "  (no customers with orders yet)"]


def _top_products(crm: Crm, as_of: dt.date) -> Lines:
    rows = crm.analytics.revenue_by_product(as_of=as_of)[:TOP]
    lines = [f"TOP {TOP} PRODUCTS BY REVENUE:"]
    lines += [f"  {row.name} - {_money(row.revenue_cents)} "
              f"({_plural(row.transactions, 'order')})" for row in rows]
    return lines if rows else [*lines, "  (no sales yet)"]


def _segments(crm: Crm, as_of: dt.date) -> Lines:
    counts = crm.segments.counts(as_of)
    lines: Lines = []
    for kind, title in (("lifecycle", "LIFECYCLE SEGMENTS:"), ("rfm", "RFM SEGMENTS:"),
                        ("tier", "LOYALTY TIERS:"), ("custom", "CUSTOM SEGMENTS:")):
        rows = [(c.name, c.count) for c in counts if c.kind == kind]
        if kind == "custom":  # custom names are shown as their owners typed them
            body = [f"  {name}: {count}" for name, count in rows] or ["  (none defined)"]
        else:
            body = _counts(rows)
        lines += [*([""] if lines else []), title, *body]
    return lines


def _interactions(crm: Crm, as_of: dt.date) -> Lines:
    start = as_of - dt.timedelta(days=RECENT_DAYS - 1)
    channels = crm.analytics.interactions_by_channel(start, as_of=as_of)
    return [f"INTERACTIONS (LAST {RECENT_DAYS} DAYS):",
            f"  Total: {sum(channels.values())}", *_counts(channels.items())]


def nps_text(nps: NpsBreakdown) -> str:
    """"+25.0 (4 responses: 2 promoters, 1 passive, 1 detractor)", or "n/a"."""
    if nps.score is None:
        return "n/a (no recommend scores yet)"
    return (f"{nps.score:+.1f} ({_plural(nps.responses, 'response')}: "
            f"{_plural(nps.promoters, 'promoter')}, {_plural(nps.passives, 'passive')}, "
            f"{_plural(nps.detractors, 'detractor')})")


def _feedback(crm: Crm, as_of: dt.date) -> Lines:
    return ["CUSTOMER FEEDBACK:",
            f"  Net Promoter Score: {nps_text(crm.analytics.nps(as_of=as_of))}",
            f"  Unresolved Feedback: {crm.analytics.unresolved_feedback(as_of)}"]


def _agenda(crm: Crm, as_of: dt.date) -> Lines:
    # Everyone's, as the Tasks screen's team view and the dashboard count them.
    counts = team_counts_by_kind(crm, as_of)
    tasks, follow_ups = counts[TASK], counts[FOLLOW_UP]
    return ["FOLLOW-UPS AND TASKS:",
            f"  Follow-ups Due Today: {follow_ups.due}",
            f"  Follow-ups Overdue: {follow_ups.overdue}",
            f"  Tasks Due Today: {tasks.due}",
            f"  Tasks Overdue: {tasks.overdue}"]
