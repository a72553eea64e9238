"""Names users type to pick customers: a status, a tag, one customer by id, email or
external id. Each is matched ignoring case; a name that picks nothing raises ChoiceError
listing what there is to pick from. (Segments are picked by `SegmentService.resolve`.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from crm_tui.domain.entities.customer import CUSTOMER_STATUSES, display_name
from crm_tui.domain.errors import ChoiceError

from . import tables

if TYPE_CHECKING:
    from .crm import Crm

LISTED = 40  # names listed in an error at most; the rest are counted
PER_LINE = 8
SIMILAR = 5  # customers suggested for a key that finds none


def listed(names: Iterable[str]) -> list[str]:
    """Names as a few lines of an error message, the first LISTED of them."""
    names = list(names)
    shown = names[:LISTED]
    lines = [", ".join(shown[i:i + PER_LINE]) for i in range(0, len(shown), PER_LINE)]
    if len(names) > LISTED:
        lines.append(f"... and {len(names) - LISTED} more")
    return lines


def pick_status(name: str) -> str:
    """A customer status as stored ("Active" -> "active")."""
    for status in CUSTOMER_STATUSES:
        if status == name.strip().casefold():
            return status
    raise ChoiceError("status", f"{name!r} is not a customer status; there are:",
                      listed(CUSTOMER_STATUSES))


def tags_in_use(crm: Crm) -> dict[str, str]:
    """Every tag of a customer not in the trash, by its casefolded form."""
    found: dict[str, str] = {}
    for doc in crm.db.table(tables.CUSTOMERS):
        if not doc.get("deleted_at"):
            for tag in doc.get("tags") or ():
                found.setdefault(str(tag).casefold(), str(tag))
    return found


def pick_tag(crm: Crm, name: str) -> str:
    """A tag some customer has, as it is spelled there ("vip" -> "VIP")."""
    in_use = tags_in_use(crm)
    found = in_use.get(name.strip().casefold())
    if found is not None:
        return found
    if not in_use:
        raise ChoiceError("tag", f"no customer has the tag {name!r}; no customer has any tag")
    raise ChoiceError("tag", f"no customer has the tag {name!r}; the tags in use are:",
                      listed(sorted(in_use.values(), key=str.casefold)))


def find_customer(crm: Crm, key: str) -> int:
    """A customer's id from its id, email or external id (deleted customers included)."""
    key = key.strip()
    customers = crm.db.table(tables.CUSTOMERS)
    if key.isdigit() and customers.get(doc_id=int(key)) is not None:
        return int(key)
    found = crm.customers.find_by_email(key) or crm.customers.find_by_external_id(key)
    if found is not None:
        return int(found["id"])
    ids = [doc.doc_id for doc in customers]
    if not ids:
        raise ChoiceError("customer", f"no customer is {key!r}: there are no customers yet")
    wanted = key.casefold()
    similar = [f"#{doc.doc_id} {display_name(doc, doc.doc_id)} "
               f"<{doc.get('email') or 'no email'}>"
               for doc in customers
               if wanted and wanted in f"{doc.get('email') or ''} {display_name(doc)}".casefold()]
    hints = [f"customers have ids {min(ids)} to {max(ids)}; give an id, an email "
                    "or an external id"]
    if similar:
        hints += ["names and emails containing it:", *similar[:SIMILAR]]
    raise ChoiceError("customer", f"no customer has the id, email or external id {key!r}",
                      hints)
