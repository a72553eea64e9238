"""What the 360 view lists, section by section: each record or profile field as an entry
one can select, with the value the copy key takes from it and the form it opens in."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rich.text import Text

from crm_tui.domain.entities.customer import display_name
from crm_tui.domain.money import display_money
from crm_tui.domain.rules.loyalty import next_tier
from crm_tui.domain.rules.pipeline import close_text
from crm_tui.domain.wording import counted
from crm_tui.services.customer_view import CustomerDetail, purchase_lines

Record = dict[str, Any]


@dataclass(frozen=True)
class Entry:
    key: str  # unique in its section: a record's id, a field's name
    prompt: str | Text  # its lines as shown
    value: str = ""  # what the copy key copies
    label: str = ""  # what that value is, in the "Copied" notice
    record: Record | None = None  # the record itself (None: a profile line)


@dataclass(frozen=True)
class Section:
    key: str  # "purchases": the record kind, for the actions that fit it
    heading: str
    entries: list[Entry]
    form: str | None  # the form its records open in (a new one from "none yet")


def _line(*parts: str | None) -> str:
    return "  ".join(p for p in parts if p)


def _plain(prompt: str | Text) -> str:
    return prompt.plain if isinstance(prompt, Text) else prompt


def _field(key: str, prompt: str | Text, value: str | None = None, label: str = "") -> Entry:
    """A profile line; it copies `value`, else what it says."""
    return Entry(key, prompt, value or _plain(prompt), label)


def _record(record: Record, prompt: str | Text, value: Any, label: str) -> Entry:
    shown = str(value) if value not in (None, "") else _plain(prompt)
    return Entry(str(record.get("id")), prompt, shown, label if shown != _plain(prompt) else "",
                 record)


def _purchase(p: Record) -> Entry:
    # Its own lines under it, as indented as it is.
    return _record(p, "\n  ".join(purchase_lines(p)), p.get("external_id"), "order number")


def _interaction(i: Record) -> Entry:
    follow = (f"follow up {i['follow_up_date']}" + (" (done)" if i.get("follow_up_done") else "")
              if i.get("follow_up_date") else None)
    what = i.get("subject") or i.get("summary")
    return _record(i, _line(str(i.get("date") or "")[:10], f"{i.get('channel')}/"
                            f"{i.get('direction')}", what, follow),
                   what, "subject" if i.get("subject") else "summary")


def _deal(o: Record) -> Entry:
    return _record(o, _line(o.get("name"), o.get("stage"), display_money(o.get("value") or 0),
                            f"{o.get('probability')}%", close_text(o)), o.get("name"), "deal")


def _task(t: Record, late: str | None) -> Entry:
    text = _line(f"[{t.get('status')}]", t.get("title"), f"due {t.get('due_date') or '-'}",
                 t.get("assigned_to"))
    # Flagged first, so a narrow pane still shows it.
    prompt = Text.assemble(("overdue", late), "  ", text) if late else text
    return _record(t, prompt, t.get("title"), "task")


def _note(n: Record) -> Entry:
    pin = "pinned " if n.get("pinned") else ""
    return _record(n, _line(f"{pin}{n.get('type')}", str(n.get("created_at") or "")[:10],
                            n.get("text")), n.get("text"), "note")


def _feedback(f: Record) -> Entry:
    score = f"NPS {f['recommend_score']}" if f.get("recommend_score") is not None else None
    state = "resolved" if f.get("resolved") else "open"
    return _record(f, _line(f.get("date"), f"{f.get('rating')}/5", score, f.get("sentiment"),
                            state, f.get("comments")), f.get("comments"), "comments")


def _ledger(e: Record) -> Entry:
    return _record(e, _line(e.get("date"), e.get("kind"), f"{e.get('points'):+}", e.get("note")),
                   None, "")


def _address(index: int, a: Record) -> Entry:
    where = ", ".join(str(a[k]) for k in ("street", "city", "region", "postal_code", "country")
                      if a.get(k))
    return _field(f"address-{index}", _line(a.get("kind"), where,
                                            "(default)" if a.get("is_default") else None),
                  where, "address")


def _profile(c: Record) -> list[Entry]:
    fields = [
        _field("summary", _line(c.get("kind"), c.get("customer_type"),
                                f"status {c.get('status')}", f"source {c.get('source')}"),
               display_name(c), "name"),
        *(_field(key, f"{label}  {c[key]}", str(c[key]), label)
          for key, label in (("email", "email"), ("phone", "phone")) if c.get(key)),
    ]
    if c.get("company") or c.get("industry"):
        fields.append(_field("company", _line(c.get("company"), c.get("industry")),
                             c.get("company"), "company"))
    if c.get("tags"):
        tags = ", ".join(c["tags"])
        fields.append(_field("tags", f"tags  {tags}", tags, "tags"))
    if c.get("external_id"):
        fields.append(_field("external_id", f"ext id  {c['external_id']}",
                             str(c["external_id"]), "external id"))
    return fields


def _standing(d: CustomerDetail) -> list[Entry]:
    p = d.profile
    upcoming = next_tier(p.lifetime_points)
    return [
        _field("value", _line(f"LTV {display_money(p.totals.total_spent_cents)}",
                              counted(p.totals.order_count, "order"),
                              f"avg {display_money(p.totals.average_order_cents or 0)}")),
        _field("recency", _line(f"first {p.totals.first_order_date or '-'}",
                                f"last {p.totals.last_order_date or '-'}",
                                f"RFM {p.rfm.code}" if p.rfm else "RFM -",
                                f"churn risk {p.churn_risk:.2f}"
                                if p.churn_risk is not None else None)),
        _field("loyalty", _line(f"loyalty {d.loyalty.balance} pts ({p.loyalty_tier})",
                                f"{upcoming[1]} to {upcoming[0]}" if upcoming else "top tier"),
               str(d.loyalty.balance), "points"),
    ]


def _preferences(prefs: Mapping[str, Any]) -> list[Entry]:
    return [
        _field("opt_in", _line(*(f"{k}: {'yes' if prefs.get(k) else 'no'}" for k in
                                 ("email_opt_in", "sms_opt_in", "push_opt_in")))),
        _field("channel", _line(f"prefers {prefs.get('preferred_channel') or '-'}",
                                f"language {prefs.get('language') or '-'}")),
        _field("consent", _line("GDPR consent " + (f"given {prefs.get('gdpr_consent_date') or ''}"
                                                   if prefs.get("gdpr_consent") else "not given"),
                                "DO NOT CONTACT" if prefs.get("do_not_contact") else None)),
    ]


def _each(records: list[Record], entry: Callable[[Record], Entry]) -> list[Entry]:
    return [entry(r) for r in records]


def sections(d: CustomerDetail, late_style: str) -> list[Section]:
    """The 360 view's sections in the order shown; `late_style` flags an overdue task."""
    c = d.customer
    return [
        Section("profile", "Profile", _profile(c), "customer"),
        Section("standing", "Standing", _standing(d), "customer"),
        Section("addresses", "Addresses",
                [_address(i, a) for i, a in enumerate(c.get("addresses") or [])], "customer"),
        Section("preferences", "Preferences and consent",
                _preferences(c.get("preferences") or {}), "customer"),
        Section("notes", "Notes", _each(d.notes, _note), "note"),
        Section("purchases", f"Purchases ({len(d.purchases)})",
                _each(d.purchases, _purchase), "purchase"),
        Section("interactions", f"Interactions ({len(d.interactions)})",
                _each(d.interactions, _interaction), "interaction"),
        Section("opportunities", f"Opportunities ({len(d.opportunities)})",
                _each(d.opportunities, _deal), "opportunity"),
        Section("tasks", f"Tasks ({len(d.tasks)})",
                [_task(t, late_style if t["id"] in d.overdue_tasks else None) for t in d.tasks],
                "task"),
        Section("feedback", f"Feedback ({len(d.feedback)})", _each(d.feedback, _feedback),
                "feedback"),
        # Points are earned, redeemed and expired: an entry has no form to correct it in.
        Section("ledger", "Loyalty ledger", _each(d.ledger, _ledger), None),
    ]
