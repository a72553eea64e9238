"""Property tests over the services' inputs: whatever is typed, imported or passed by a
careless caller, a call either succeeds or raises ValidationError (naming real fields) or
NotFoundError; and a rejected call leaves every byte of the database as it was."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Collection, Iterator, Mapping
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from crm_tui.domain.entities.customer import CUSTOMER_FIELDS
from crm_tui.domain.entities.product import PRODUCT_FIELDS
from crm_tui.domain.entities.purchase import PURCHASE_FIELDS
from crm_tui.domain.errors import NotFoundError, ValidationError
from crm_tui.services import tables
from crm_tui.services.context import Clock
from crm_tui.services.crm import Crm
from crm_tui.services.customers import SERVICE_FIELDS

from .conftest import AS_OF, database_bytes

BOUNDED = settings(max_examples=60, deadline=None)

# Values a form, a CSV cell, a JSON file or a careless caller might hand over.
PLAUSIBLE = st.sampled_from([
    "", " ", "0", "-1", "1.5", "12.50", "$1,200.00", "1e9", "NaN", "inf", "yes", "no",
    "2026-06-15", "2026-02-30", "today", "+7d", "ann@example.com", "not-an-email",
    "+1 555 0100 222", "=cmd|' /C calc'!A0", "a\x00b", "x" * 300, "corporate", "retail",
])
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-10**20, 10**20),
    st.floats(allow_nan=True, allow_infinity=True), st.decimals(allow_nan=True),
    st.text(max_size=20), st.dates(), PLAUSIBLE,
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
AMOUNTS = st.one_of(
    st.none(), st.integers(-10**16, 10**16), st.floats(allow_nan=True),
    st.decimals(allow_nan=True, places=3), PLAUSIBLE,
    st.from_regex(r"-?\$?[0-9]{1,12}(\.[0-9]{1,3})?", fullmatch=True),
)
NAMES = st.from_regex(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ0-9 '.-]{0,15}", fullmatch=True)


def mostly(good: st.SearchStrategy[Any], wild: st.SearchStrategy[Any] = VALUES,
           ) -> st.SearchStrategy[Any]:
    """Usually a plausible value, often anything at all: enough calls succeed for the
    property to cover writes, and enough fail to cover rejections."""
    # Not one_of(good, good, wild): Hypothesis weighs repeated branches as one.
    return st.integers(0, 3).flatmap(lambda n: wild if n == 0 else good)


def inputs(fields: Collection[str], special: Mapping[str, st.SearchStrategy[Any]],
           base: Mapping[str, st.SearchStrategy[Any]] | None = None,
           ) -> st.SearchStrategy[dict[str, Any]]:
    """Dicts under real and random field names. `special` fields get their own values
    (and are each left out at random); `base` fields are always there, as a form sends."""
    own = set(special) | set(base or {})
    unknown = st.text(max_size=12).filter(lambda name: name not in fields)
    names = (st.sampled_from(sorted(fields)) | unknown).filter(lambda name: name not in own)
    extra = mostly(st.dictionaries(unknown, VALUES, max_size=3),
                   st.dictionaries(names, VALUES, max_size=4))
    return st.builds(
        lambda base_values, extra, chosen: {**base_values, **extra, **chosen},
        st.fixed_dictionaries(dict(base or {})),
        extra,
        st.fixed_dictionaries({}, optional=dict(special)),
    )


def _root(field: str) -> str:
    """The top-level field an error names: addresses[0].city -> addresses."""
    return field.split(".", 1)[0].split("[", 1)[0]


def _event(text: str) -> None:
    """Count outcomes under hypothesis; plain parametrized tests have nowhere to record."""
    with contextlib.suppress(InvalidArgument):
        event(text)


def attempt(crm: Crm, call: Callable[[], Any], known: set[str]) -> Any:
    """Run a service call; a rejection must name known fields and write nothing.
    Returns the call's result, or None when it was rejected."""
    before = database_bytes(crm.db.path)
    try:
        result = call()
    except ValidationError as exc:
        _event(f"rejected: {sorted(exc.errors)[:2]}")
        assert exc.errors
        for field, message in exc.errors.items():
            assert isinstance(field, str) and field.strip(), exc.errors
            assert isinstance(message, str) and message.strip(), exc.errors
            assert _root(field) in known, (field, message)
    except NotFoundError:
        _event("not found")
    else:
        _event("accepted")  # `--hypothesis-show-statistics` shows how often
        return result
    assert database_bytes(crm.db.path) == before, "a rejected call wrote to the database"
    return None


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crm]:
    """One database for every example of a test: byte checks make each rejection count."""
    crm = Crm.open(tmp_path_factory.mktemp("props") / "crm.db", clock=Clock.at(AS_OF),
                   staff="alice")
    customer = crm.customers.create({"first_name": "Ann", "email": "ann@example.com"})
    # Enough points for many redemptions.
    crm.sales.record({"customer_id": customer, "item": "Fleet", "total": "100000"})
    crm.products.create({"name": "Desk", "price": "80"})
    yield crm
    crm.close()


CUSTOMER_VALUES = {
    "last_name": mostly(NAMES),
    "email": mostly(st.emails()), "phone": mostly(st.from_regex(r"\+?[0-9]{7,12}", fullmatch=True)),
    "kind": mostly(st.sampled_from(["individual", "corporate", "person"])),
    "tags": mostly(st.lists(NAMES, max_size=3)),
}


def customer_ids(crm: Crm) -> st.SearchStrategy[Any]:
    ids = [d.doc_id for d in crm.db.table(tables.CUSTOMERS)]
    return mostly(st.sampled_from(ids), st.integers(-2, 10**9))


@BOUNDED
@given(st.data())
def test_customer_create(shared: Crm, data: st.DataObject) -> None:
    values = data.draw(inputs(CUSTOMER_FIELDS, CUSTOMER_VALUES,
                              base={"first_name": mostly(NAMES)}))
    customer = attempt(shared, lambda: shared.customers.create(values),
                       set(values) | set(CUSTOMER_FIELDS))
    if customer is not None:
        stored = shared.customers.get(customer)
        assert stored["total_spent"] == 0 and not stored.get("deleted_at")


@BOUNDED
@given(st.data())
def test_customer_update(shared: Crm, data: st.DataObject) -> None:
    which = data.draw(customer_ids(shared))
    values = data.draw(inputs({*CUSTOMER_FIELDS, *SERVICE_FIELDS},
                              {**CUSTOMER_VALUES, "first_name": mostly(NAMES)}))
    before = {d.doc_id: dict(d) for d in shared.db.table(tables.CUSTOMERS)}
    result = attempt(shared, lambda: shared.customers.update(which, values),
                     set(values) | set(CUSTOMER_FIELDS))
    if result is not None:  # the service's own fields never move on an edit
        for name in ("total_spent", "order_count", "loyalty_points", "created_at"):
            assert result.get(name) == before[which].get(name)


@BOUNDED
@given(st.data())
def test_sales_record(shared: Crm, data: st.DataObject) -> None:
    products = [d.doc_id for d in shared.db.table(tables.PRODUCTS)]
    money = mostly(st.decimals(0, 10**5, places=2).map(str) | st.integers(0, 10**5), AMOUNTS)
    special = {
        # Any id, but not any value: see test_sales_record_with_a_garbage_product_id.
        "product_id": st.sampled_from(products) | st.integers(1, 10**6),
        "unit_price": money,
        "quantity": mostly(st.integers(1, 20), st.one_of(
            st.integers(-5, 10**7), st.floats(allow_nan=True), PLAUSIBLE)),
        "date": mostly(st.dates(dt.date(2000, 1, 1), AS_OF).map(dt.date.isoformat), st.one_of(
            st.dates(), st.datetimes(), PLAUSIBLE, st.text(max_size=12))),
        "status": mostly(st.sampled_from(["completed", "refunded", "pending"]),
                         st.sampled_from(["paid", "lost", "", "Completed"])),
    }
    base = {"customer_id": customer_ids(shared), "total": money, "item": mostly(NAMES)}
    values = data.draw(inputs(PURCHASE_FIELDS, special, base))
    purchase = attempt(shared, lambda: shared.sales.record(values),
                       set(values) | set(PURCHASE_FIELDS))
    if purchase is not None:
        owner = shared.sales.get(purchase)["customer_id"]
        completed = [p["total"] for p in shared.sales.for_customer(owner)
                     if p["status"] == "completed"]
        assert shared.customers.get(owner)["total_spent"] == sum(completed)


@pytest.mark.parametrize("product_id", ["abc", [1]])
def test_sales_record_with_a_garbage_product_id(shared: Crm, product_id: Any) -> None:
    customer = shared.db.table(tables.CUSTOMERS).all()[0].doc_id
    attempt(shared, lambda: shared.sales.record(
        {"customer_id": customer, "product_id": product_id}), {"customer_id", "product_id"})


@BOUNDED
@given(st.data())
def test_loyalty_redeem(shared: Crm, data: st.DataObject) -> None:
    which = data.draw(customer_ids(shared))
    points = data.draw(mostly(st.integers(1, 200), st.one_of(VALUES, st.integers())))
    note = data.draw(mostly(st.none() | NAMES))
    redeemed = attempt(shared, lambda: shared.loyalty.redeem(which, points, note=note),
                       {"points", "note"})
    for customer in shared.db.table(tables.CUSTOMERS):
        assert (customer.get("loyalty_points") or 0) >= 0
    if redeemed is not None:
        assert shared.db.table(tables.LEDGER).get(doc_id=redeemed)["points"] == -points


@BOUNDED
@given(st.data())
def test_products_create(shared: Crm, data: st.DataObject) -> None:
    base = {"name": mostly(NAMES), "price": mostly(st.integers(0, 10**6), AMOUNTS)}
    values = data.draw(inputs(PRODUCT_FIELDS, {"active": mostly(st.booleans())}, base))
    product = attempt(shared, lambda: shared.products.create(values),
                      set(values) | set(PRODUCT_FIELDS))
    if product is not None:
        assert shared.products.get(product)["price"] >= 0
