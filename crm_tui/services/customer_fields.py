"""A customer as a form edits it: flat fields, and an edit in those terms applied to the record.

Beside its plain fields, the form edits the default address part by part (`address.city`)
and each preference by name (`preferences.sms_opt_in`). Seeing the record the same flat
way lets two sessions change different parts of one address or different preferences
without either undoing the other (see `edits`), and lets an edit send only those parts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ADDRESS = "address."
PREFERENCES = "preferences."
ADDRESS_PARTS = ("kind", "street", "city", "region", "postal_code", "country")
OTHER_ADDRESSES = "other_addresses"

Doc = Mapping[str, Any]


def _default_index(addresses: list[Any]) -> int | None:
    """Which address is the default: the one marked so, else the first (None: no address)."""
    marked = [i for i, a in enumerate(addresses) if isinstance(a, Mapping) and a.get("is_default")]
    if marked:
        return marked[0]
    return 0 if addresses else None


def default_address(doc: Doc) -> dict[str, Any]:
    addresses = list(doc.get("addresses") or [])
    index = _default_index(addresses)
    return {} if index is None else dict(addresses[index])


def flat(doc: Doc) -> dict[str, Any]:
    """The record's fields with the default address and the preferences spread out."""
    view = {k: v for k, v in doc.items() if k not in ("addresses", "preferences")}
    addresses = list(doc.get("addresses") or [])
    index = _default_index(addresses)
    address = {} if index is None else addresses[index]
    view.update({ADDRESS + part: address.get(part) for part in ADDRESS_PARTS})
    view[OTHER_ADDRESSES] = [a for i, a in enumerate(addresses) if i != index]
    view.update({PREFERENCES + k: v for k, v in (doc.get("preferences") or {}).items()})
    return view


def source(name: str) -> str:
    """The stored field a flat field lives in (what the audit log names)."""
    if name.startswith(ADDRESS) or name == OTHER_ADDRESSES:
        return "addresses"
    if name.startswith(PREFERENCES):
        return "preferences"
    return name


def apply(doc: Doc, changes: Mapping[str, Any]) -> dict[str, Any]:
    """`doc` with the edit applied, as whole fields: plain and whole `addresses` or
    `preferences` values replace, flat ones change their part. An address left without
    street, city, region, postal code and country is dropped; the edited one stays the
    default."""
    parts = {k[len(ADDRESS):]: v for k, v in changes.items() if k.startswith(ADDRESS)}
    prefs = {k[len(PREFERENCES):]: v for k, v in changes.items() if k.startswith(PREFERENCES)}
    data = {**doc, **{k: v for k, v in changes.items()
                      if not k.startswith((ADDRESS, PREFERENCES))}}
    if prefs:
        data["preferences"] = {**(data.get("preferences") or {}), **prefs}
    if parts:
        addresses = list(data.get("addresses") or [])
        index = _default_index(addresses)
        address = {**({} if index is None else addresses[index]), **parts}
        others = [{**a, "is_default": False} for i, a in enumerate(addresses) if i != index]
        if any(address.get(part) for part in ADDRESS_PARTS if part != "kind"):
            data["addresses"] = [{**address, "is_default": True}, *others]
        else:
            data["addresses"] = others
    return data
