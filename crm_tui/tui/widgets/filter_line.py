"""The line above the customers table saying in words what narrows the list: the search,
the quick filters, the saved view applied, the sort, and how to clear them."""

from __future__ import annotations

from crm_tui.services.customer_list import ListQuery

from .customer_table import SORT_TITLES, sort_arrow


def narrowed(q: ListQuery) -> bool:
    """Whether a search or a quick filter leaves customers out."""
    return bool(q.text.strip() or q.segment is not None or q.tag or q.status
                or q.customer_type)


def filter_words(q: ListQuery, *, segment: str | None = None, view: str | None = None,
                 clear_key: str = "escape") -> str | None:
    """"Filtered: search "ann" · tag newsletter — sorted by Spent▼ — escape clears", or
    None when nothing narrows the list and no view is applied. `segment`: the segment's
    name as the filter lists it; `clear_key`: the key that clears them, as hints name it."""
    if not narrowed(q) and view is None:
        return None
    parts = []
    if q.text.strip():
        parts.append(f"search \u201c{q.text.strip()}\u201d")
    if q.segment is not None:
        parts.append(f"segment {segment or q.segment}")
    for word, value in (("tag", q.tag), ("status", q.status), ("type", q.customer_type)):
        if value:
            parts.append(f"{word} {value}")
    head = f"View {view}" + (": " if parts else "") if view else "Filtered: "
    sort = f"sorted by {SORT_TITLES.get(q.sort, q.sort)}{sort_arrow(q.descending)}"
    return f"{head}{' · '.join(parts)} — {sort} — {clear_key} clears"
