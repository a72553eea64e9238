"""What a GDPR erase keeps so that it can be finished later: who was erased, without who
they were.

An erase may stop half-way through the copies (a damaged backup, a full disk, a kill),
and by then the database no longer holds the person's email: a retry by email must still
find them, and copies that are not tied to the database by its id (from an older
crm-tui) must be searched for the same person, not for whoever has the same number. So
the erase commit also stores, in the `erasures` table, the customer's number and salted
SHA-256 hashes of their email and of their name with their creation time: enough to
recognise the person when shown them, useless to learn who they were.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

from crm_tui.domain.entities.customer import display_name
from crm_tui.store import StoreTable


def _hash(salt: str, text: str) -> str:
    return hashlib.sha256(f"{salt}:{text.strip().casefold()}".encode()).hexdigest()


def _person(customer: Mapping[str, Any]) -> str:
    return f"{display_name(customer, 0)}|{customer.get('created_at') or ''}"


def erasure_record(customer_id: int, customer: Mapping[str, Any], stamp: str,
                   staff: str) -> dict[str, Any]:
    """The record of erasing `customer` (as it was before the erase)."""
    salt = secrets.token_hex(16)
    email = str(customer.get("email") or "")
    return {
        "customer_id": customer_id, "at": stamp, "who": staff, "salt": salt,
        "email": _hash(salt, email) if email else None,
        "person": _hash(salt, _person(customer)),
    }


def record_for(table: StoreTable, customer_id: int) -> dict[str, Any] | None:
    """The record of erasing this customer, if it was erased by a crm-tui that keeps one."""
    for doc in table:
        if doc.get("customer_id") == customer_id:
            return dict(doc)
    return None


def erased_with_email(table: StoreTable, email: str) -> int | None:
    """The number of the erased customer who had this email, if any."""
    for doc in table:
        if doc.get("email") and _hash(doc["salt"], email) == doc["email"]:
            return int(doc["customer_id"])
    return None


def same_person(record: Mapping[str, Any], customer: Mapping[str, Any]) -> bool:
    """Is `customer` (in some copy) the person `record` says was erased? The same email,
    or the same name and creation time (the email may have changed since the copy)."""
    email = str(customer.get("email") or "")
    if record.get("email") and email and _hash(record["salt"], email) == record["email"]:
        return True
    return _hash(record["salt"], _person(customer)) == record["person"]
