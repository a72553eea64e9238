"""The 360-degree view of one customer: profile, standing, history, in one scrolling pane."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from crm_tui.domain.money import display_money
from crm_tui.domain.rules.loyalty import next_tier
from crm_tui.domain.rules.pipeline import close_text
from crm_tui.services.customer_view import CustomerDetail, purchase_lines

from .badges import rich_colors, segment_badges

SHOWN = 8  # history rows per section before "and N more"

Record = dict[str, Any]


def _line(*parts: str | None) -> str:
    return "  ".join(p for p in parts if p)


def _rows(records: list[Record], render: Any) -> list[str | Text]:
    lines = [render(r) for r in records[:SHOWN]]
    if len(records) > SHOWN:
        lines.append(f"… and {len(records) - SHOWN} more")
    return lines or ["none yet"]


def _purchase(p: Record) -> str:
    return "\n  ".join(purchase_lines(p))  # its own lines under it, as indented as it is


def _interaction(i: Record) -> str:
    follow = (f"follow up {i['follow_up_date']}" + (" (done)" if i.get("follow_up_done") else "")
              if i.get("follow_up_date") else None)
    return _line(str(i.get("date") or "")[:10], f"{i.get('channel')}/{i.get('direction')}",
                 i.get("subject") or i.get("summary"), follow)


def _deal(o: Record) -> str:
    return _line(o.get("name"), o.get("stage"), display_money(o.get("value") or 0),
                 f"{o.get('probability')}%", close_text(o))


def _task(t: Record) -> str:
    return _line(f"[{t.get('status')}]", t.get("title"), f"due {t.get('due_date') or '-'}",
                 t.get("assigned_to"))


def _note(n: Record) -> str:
    pin = "pinned " if n.get("pinned") else ""
    return _line(f"{pin}{n.get('type')}", str(n.get("created_at") or "")[:10],
                 n.get("text"))


def _feedback(f: Record) -> str:
    score = f"NPS {f['recommend_score']}" if f.get("recommend_score") is not None else None
    state = "resolved" if f.get("resolved") else "open"
    return _line(f.get("date"), f"{f.get('rating')}/5", score, f.get("sentiment"), state,
                 f.get("comments"))


def _ledger(e: Record) -> str:
    return _line(e.get("date"), e.get("kind"), f"{e.get('points'):+}", e.get("note"))


def _address(a: Record) -> str:
    where = ", ".join(str(a[k]) for k in ("street", "city", "region", "postal_code", "country")
                      if a.get(k))
    return _line(a.get("kind"), where, "(default)" if a.get("is_default") else None)


class DetailPane(VerticalScroll, can_focus=True):
    """Shows a `CustomerDetail`; empty until one is given."""

    DEFAULT_CSS = """
    DetailPane { padding: 0 1; }
    DetailPane > .detail-heading { color: $accent; text-style: bold; margin-top: 1; }
    DetailPane > #detail-title { text-style: bold; }
    """

    EMPTY = "Select a customer to see everything about them."
    LOADING = "Loading the history (the first view reads every purchase and interaction)…"

    def compose(self) -> ComposeResult:
        yield Static(self.EMPTY, id="detail-title")
        yield Static(id="detail-body")

    def waiting(self) -> None:
        """A customer is on its way: say so while nothing has been shown yet (the first
        view after start-up loads the event tables, seconds on a million events)."""
        title = self.query_one("#detail-title", Static)
        if str(title.render()) == self.EMPTY:
            title.update(self.LOADING)

    def show(self, detail: CustomerDetail) -> None:
        theme = rich_colors(self.app.theme_variables)
        c, p, b = detail.customer, detail.profile, detail.badges
        title = Text(p.name, style="bold")
        if c.get("deleted_at"):
            title.append("  (deleted)", style="italic")
        title.append("\n")
        title.append_text(segment_badges(b.lifecycle, b.overridden, b.rfm_segment, b.tier,
                                         [(x.name, x.color) for x in b.custom], theme))
        self.query_one("#detail-title", Static).update(title)
        self.query_one("#detail-body", Static).update(self._body(detail))

    def _body(self, d: CustomerDetail) -> Text:
        c, p = d.customer, d.profile
        colors = rich_colors(self.app.theme_variables)
        late = f"bold {colors.get('error', 'red')}"

        def task(t: Record) -> str | Text:
            # Flagged first, so a narrow pane still shows it.
            return (Text.assemble(("overdue", late), "  ", _task(t))
                    if t["id"] in d.overdue_tasks else _task(t))

        prefs = c.get("preferences") or {}
        upcoming = next_tier(p.lifetime_points)
        sections: list[tuple[str, Iterable[str | Text]]] = [
            ("Profile", [
                _line(c.get("kind"), c.get("customer_type"), f"status {c.get('status')}",
                      f"source {c.get('source')}"),
                _line(c.get("email"), c.get("phone")),
                _line(c.get("company"), c.get("industry")),
                _line("tags: " + ", ".join(c.get("tags") or []) if c.get("tags") else None,
                      f"ext id {c['external_id']}" if c.get("external_id") else None),
            ]),
            ("Standing", [
                _line(f"LTV {display_money(p.totals.total_spent_cents)}",
                      f"{p.totals.order_count} orders",
                      f"avg {display_money(p.totals.average_order_cents or 0)}"),
                _line(f"first {p.totals.first_order_date or '-'}",
                      f"last {p.totals.last_order_date or '-'}",
                      f"RFM {p.rfm.code}" if p.rfm else "RFM -",
                      f"churn risk {p.churn_risk:.2f}" if p.churn_risk is not None else None),
                _line(f"loyalty {d.loyalty.balance} pts ({p.loyalty_tier})",
                      f"{upcoming[1]} to {upcoming[0]}" if upcoming else "top tier"),
            ]),
            ("Addresses", _rows(list(c.get("addresses") or []), _address)),
            ("Preferences and consent", [
                _line(*(f"{k}: {'yes' if prefs.get(k) else 'no'}" for k in
                        ("email_opt_in", "sms_opt_in", "push_opt_in"))),
                _line(f"prefers {prefs.get('preferred_channel') or '-'}",
                      f"language {prefs.get('language') or '-'}"),
                _line("GDPR consent " + (f"given {prefs.get('gdpr_consent_date') or ''}"
                                         if prefs.get("gdpr_consent") else "not given"),
                      "DO NOT CONTACT" if prefs.get("do_not_contact") else None),
            ]),
            ("Notes", _rows(d.notes, _note)),
            (f"Purchases ({len(d.purchases)})", _rows(d.purchases, _purchase)),
            (f"Interactions ({len(d.interactions)})", _rows(d.interactions, _interaction)),
            (f"Opportunities ({len(d.opportunities)})", _rows(d.opportunities, _deal)),
            (f"Tasks ({len(d.tasks)})", _rows(d.tasks, task)),
            (f"Feedback ({len(d.feedback)})", _rows(d.feedback, _feedback)),
            ("Loyalty ledger", _rows(d.ledger, _ledger)),
        ]
        text = Text()
        accent = colors.get("accent", "default")
        for heading, lines in sections:
            text.append(f"\n{heading}\n", style=f"bold {accent}")
            for line in lines:
                if line:
                    text.append_text(Text.assemble("  ", line, "\n"))
        return text
