"""Demo data plans: who each demo customer is and what happened with them, from a seeded RNG.

Pure (no I/O, no clock): `DemoPlanner(rng, as_of, staff).plan(i)` decides the i-th customer
and its history as a list of timed steps, which `services.demo` writes through the services.
Every date is relative to `as_of`, so the same seed and as-of date give the same data.

Each customer follows an archetype (prospect, new, returning, regular, champion, big spender,
at risk, lapsed) that sets how many orders and how long ago the last one was: what the
lifecycle, RFM and churn rules read, so the demo fills every segment. The first customers
take every archetype once, and the agenda (follow-ups and tasks due today, overdue, upcoming)
and deals are spread by customer number, so every screen has data whatever the seed.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from crm_tui.domain.entities.opportunity import STAGE_PROBABILITY, STAGES
from crm_tui.domain.money import parse_money

from .demo_activity import ActivityPlanner, Step
from .demo_words import Weighted, ascii_slug, fill_digits, load_words, pick

HISTORY_DAYS = 730  # purchases spread over the two years before as_of
TAG_ORDER = ("vip", "newsletter", "b2b", "trade-show", "referral", "complaint")
PERSON_TYPES = Weighted.of({"retail": 85, "wholesale": 12, "distributor": 3})
CORPORATE_TYPES = Weighted.of({"wholesale": 55, "distributor": 30, "retail": 15})
CHANNELS_PREFERRED = Weighted.of({"email": 45, "phone": 20, "whatsapp": 20, "sms": 10,
                                  "mail": 5})
OPEN_STAGES = STAGES[:4]
DEAL_STAGES = Weighted(STAGES, (18, 16, 14, 12, 24, 16))


@dataclass(frozen=True)
class Archetype:
    name: str
    weight: int
    orders: tuple[int, int]
    recency: tuple[int, int]  # days from the last order to as_of
    span: tuple[int, int]  # days from the first order to the last
    basket: str  # small (one cheap item: stays under the VIP spend) | normal | big
    talks: tuple[int, int]  # interactions


ARCHETYPES = (
    Archetype("prospect", 14, (0, 0), (0, 0), (0, 0), "normal", (1, 3)),
    Archetype("new", 9, (1, 1), (0, 50), (0, 0), "small", (1, 3)),
    Archetype("returning", 8, (2, 2), (0, 55), (10, 200), "small", (1, 4)),
    Archetype("regular", 17, (3, 9), (0, 55), (90, 600), "normal", (2, 7)),
    Archetype("champion", 6, (10, 30), (0, 25), (300, 700), "big", (5, 12)),
    Archetype("big_spender", 4, (1, 2), (0, 55), (10, 300), "big", (2, 6)),
    Archetype("at_risk", 12, (1, 6), (60, 89), (30, 400), "normal", (1, 5)),
    Archetype("lapsed", 22, (1, 5), (90, 600), (0, 500), "normal", (1, 4)),
)
ACTIVE = frozenset({"new", "returning", "regular", "champion", "big_spender"})


@dataclass(frozen=True)
class CustomerPlan:
    index: int
    archetype: str
    created: dt.datetime
    customer: dict[str, Any]
    steps: list[Step]  # in time order, all after `created`


class DemoPlanner:
    def __init__(self, rng: random.Random, as_of: dt.date, staff: Sequence[str]) -> None:
        self.rng = rng
        self.as_of = as_of
        self.start = as_of - dt.timedelta(days=HISTORY_DAYS)
        self.words = load_words()
        self.act = ActivityPlanner(rng, as_of, staff, self.words)
        self._first = rng.sample(ARCHETYPES, len(ARCHETYPES))
        self._emails: set[str] = set()
        self._deals = 0
        self._pools: dict[tuple[str, bool, bool], Weighted[dict[str, Any]]] = {}
        products = [{**p, "cents": parse_money(p["price"], "price")}
                    for p in self.words["products"]]
        self.products = [p for p in products if not p.get("retired")]
        self.retired = [p for p in products if p.get("retired")]
        self.locales = Weighted.by(self.words["locales"])
        self.cities = {loc["code"]: Weighted.by(loc["cities"]) for loc in self.words["locales"]}
        self.sources = Weighted.of(self.words["sources"])
        methods = self.words["payment_methods"]
        self.payments = {business: Weighted.of(methods["business" if business else "retail"])
                         for business in (False, True)}

    # ----- one customer ----------------------------------------------------------------------
    def plan(self, index: int) -> CustomerPlan:
        rng, act = self.rng, self.act
        arch = self._first[index] if index < len(self._first) else rng.choices(
            ARCHETYPES, weights=[a.weight for a in ARCHETYPES])[0]
        big = arch.basket == "big"
        corporate = index == 1 or (index != 0 and rng.random() < (0.6 if big else 0.25))
        ctype = (CORPORATE_TYPES if corporate else PERSON_TYPES).pick(rng)
        orders = self._order_days(arch)
        if orders:
            created_day = max(orders[0] - dt.timedelta(days=rng.randint(0, 90)),
                              self.start - dt.timedelta(days=30))
        else:
            created_day = self.as_of - dt.timedelta(days=int(rng.triangular(0, 700, 60)))
        created = act.moment(created_day)
        business = ctype != "retail"
        steps = [self._purchase(day, arch.basket, business) for day in orders]
        steps += self._extra_orders(arch, orders, business)
        feedback, unhappy = act.feedback(index, arch.name == "champion", orders)
        customer = self._customer(index, arch, corporate, ctype, created_day, unhappy)
        first = customer.get("first_name") or customer.get("company_name") or ""
        steps += feedback
        steps += act.interactions(index, arch.talks, created_day,
                                  orders[-1] if arch.name == "lapsed" else None, first)
        steps += self._deal(index, corporate, created_day)
        steps += act.tasks(index, created_day, first)
        steps += act.notes(created_day, unhappy)
        if orders and arch.name in ("regular", "champion", "big_spender") and rng.random() < .15:
            steps.append(act.redemption(orders[-1]))
        steps.sort(key=lambda s: s.at)
        # Steps timed before the customer existed (same day, earlier hour) follow it at once.
        early = [s for s in steps if s.at <= created]
        steps[:len(early)] = [replace(s, at=created + dt.timedelta(seconds=n + 1))
                              for n, s in enumerate(early)]
        return CustomerPlan(index, arch.name, created, customer, steps)

    def _order_days(self, arch: Archetype) -> list[dt.date]:
        rng = self.rng
        count = rng.randint(*arch.orders)
        if not count:
            return []
        last = self.as_of - dt.timedelta(days=rng.randint(*arch.recency))
        if count == 1:
            return [last]
        first = max(last - dt.timedelta(days=rng.randint(*arch.span)), self.start)
        middle = sorted(self.act.day_between(first, last) for _ in range(count - 2))
        return [first, *middle, last]

    # ----- purchases -------------------------------------------------------------------------
    def _purchase(self, day: dt.date, basket: str, business: bool) -> Step:
        rng = self.rng
        old = (self.as_of - day).days > 365  # a retired product still sold back then
        product = self._pool(basket, business, old).pick(rng)
        if not product["bulk"] or basket == "small":
            quantity = 1
        elif business:
            quantity = rng.randint(10, 40) if basket == "big" else rng.randint(3, 12)
        else:
            quantity = rng.randint(2, 6) if basket == "big" else rng.choices((1, 2, 3),
                                                                              (70, 20, 10))[0]
        return Step(self.act.moment(day), "purchase", {
            "product": product["name"], "quantity": quantity, "date": day.isoformat(),
            "payment_method": self.payments[business].pick(rng)})

    def _pool(self, basket: str, business: bool, old: bool) -> Weighted[dict[str, Any]]:
        """The products a basket picks from (cached: called for every order)."""
        key = (basket, business, old)
        if key not in self._pools:
            pool = self.products + self.retired if old else self.products
            if basket == "small":  # one cheap item: keeps a new customer under VIP spend
                pool = [p for p in pool if 0 < p["cents"] <= 15_000]
            elif basket == "big" and not business:
                pool = [p for p in pool if p["cents"] >= 15_000]
            self._pools[key] = Weighted.by(pool)
        return self._pools[key]

    def _extra_orders(self, arch: Archetype, orders: list[dt.date], business: bool) -> list[Step]:
        """Now and then an order that was refunded, or one not paid yet: neither counts in
        the totals, so the archetype's segment holds. (The refund is recorded as such, not
        as a sale then a refund: a refund reads the purchases table, which a fill otherwise
        only appends to, and loading it costs memory at 100,000 customers.)"""
        rng, steps = self.rng, []
        if orders and rng.random() < 0.04:
            buy = self._purchase(self.act.day_between(orders[0], orders[-1]), arch.basket,
                                 business)
            steps.append(replace(buy, data={**buy.data, "status": "refunded"}))
        if arch.name in ACTIVE and rng.random() < 0.05:
            day = max(orders[-1], self.as_of - dt.timedelta(days=rng.randint(0, 5)))
            buy = self._purchase(day, arch.basket, business)
            steps.append(replace(buy, data={**buy.data, "status": "pending"}))
        return steps

    # ----- deals -----------------------------------------------------------------------------
    def _deal(self, index: int, corporate: bool, created_day: dt.date) -> list[Step]:
        """Maybe one deal (every 8th customer has one), at the stage it has reached: opened
        some day, in its stage since a later day (a quarter of the open ones idle past the
        stale bound), or closed then. The first six deals take each stage in turn."""
        rng, act = self.rng, self.act
        if not (index % 8 == 3 or rng.random() < (0.4 if corporate else 0.08)):
            return []
        stage = STAGES[self._deals] if self._deals < len(STAGES) else DEAL_STAGES.pick(rng)
        self._deals += 1
        opened = max(created_day, self.as_of - dt.timedelta(days=rng.randint(5, 300)))
        if stage in OPEN_STAGES:
            idle = rng.randint(15, 60) if rng.random() < 0.25 else rng.randint(0, 12)
            since = max(opened, self.as_of - dt.timedelta(days=idle))
        else:
            since = act.day_between(min(opened + dt.timedelta(days=7), self.as_of), self.as_of)
        low, high = (800, 60_000) if corporate else (300, 5_000)
        value = round(math.exp(rng.uniform(math.log(low), math.log(high))) / 50) * 5_000
        product = pick(rng, self.products)["name"]
        data = {"name": pick(rng, self.words["deals"]).format(product=product),
                "value_cents": value, "stage": stage, "stage_changed_at": since.isoformat(),
                "closed_date": None if stage in OPEN_STAGES else since.isoformat(),
                "owner": pick(rng, act.staff),
                "expected_close_date": (opened + dt.timedelta(days=rng.randint(30, 150)))
                .isoformat()}
        if stage in STAGES[2:4] and rng.random() < 0.15:  # the owner's own estimate
            data["probability"] = STAGE_PROBABILITY[stage] + pick(rng, (-15, -10, 10))
        return [Step(act.moment(opened), "deal", data)]

    # ----- the customer record ---------------------------------------------------------------
    def _customer(self, index: int, arch: Archetype, corporate: bool, ctype: str,
                  created_day: dt.date, unhappy: bool) -> dict[str, Any]:
        rng, words = self.rng, self.words
        locale = self.locales.pick(rng)
        first, last = pick(rng, locale["first_names"]), pick(rng, locale["last_names"])
        firm = f"{pick(rng, words['company_words']['first'])} " \
               f"{pick(rng, words['company_words']['second'])}"
        data: dict[str, Any] = {"kind": "corporate" if corporate else "individual",
                                "customer_type": ctype}
        if corporate:
            data |= {"company_name": f"{firm} {pick(rng, locale['company_suffixes'])}",
                     "industry": pick(rng, words["industries"])}
            contact = rng.random() < 0.8
            if contact:
                data |= {"first_name": first, "last_name": last}
            local = ascii_slug(f"{first} {last}") if contact else pick(rng, ("contact", "orders"))
            email: str | None = self._email(local, ascii_slug(firm, "-") + ".example")
            data["external_id"] = f"ERP-{10001 + index}" if rng.random() < 0.6 else None
        else:
            data |= {"first_name": first, "last_name": last}
            if rng.random() < 0.25:
                data |= {"company": firm, "industry": pick(rng, words["industries"])}
            email = (self._email(ascii_slug(f"{first} {last}"),
                                 pick(rng, words["email_domains"]))
                     if rng.random() < 0.95 else None)
        source = self.sources.pick(rng)
        stale = arch.name == "lapsed" or (arch.name == "prospect" and
                                          (self.as_of - created_day).days > 365)
        preferences = self._preferences(locale, email is not None)
        vip = rng.random() < {"champion": .8, "big_spender": .8, "regular": .2}.get(arch.name, 0)
        tags = {"vip": vip, "newsletter": preferences["email_opt_in"],
                "b2b": corporate or ctype != "retail", "trade-show": source == "event",
                "referral": source == "referral", "complaint": unhappy}
        key_account = corporate and arch.name in ("regular", "champion") and rng.random() < .05
        return data | {
            "email": email,
            "phone": fill_digits(rng, locale["phone"]) if rng.random() < 0.9 else None,
            "source": source,
            "status": "inactive" if stale and rng.random() < 0.35 else "active",
            "tags": [tag for tag in TAG_ORDER if tags[tag]],
            "addresses": self._addresses(locale, corporate),
            "preferences": preferences,
            "segment_override": "vip" if key_account else None,
        }

    def _email(self, local: str, domain: str) -> str:
        """Unique within the demo: a second "omar.tazi@..." becomes "omar.tazi2@..."."""
        email, number = f"{local}@{domain}", 1
        while email in self._emails:
            number += 1
            email = f"{local}{number}@{domain}"
        self._emails.add(email)
        return email

    def _addresses(self, locale: dict[str, Any], corporate: bool) -> list[dict[str, Any]]:
        rng = self.rng
        kinds = ["office"] if corporate else ["home"]
        if corporate and rng.random() < 0.4:
            kinds.append("billing")
        if rng.random() < 0.3:
            kinds.append("shipping")
        cities = self.cities[locale["code"]]
        home = cities.pick(rng)
        result: list[dict[str, Any]] = []
        for kind in kinds:
            place = home if kind != "shipping" or rng.random() < 0.7 else cities.pick(rng)
            street = locale["street_format"].format(number=rng.randint(1, 250),
                                                    street=pick(rng, locale["streets"]))
            result.append({"kind": kind, "street": street, "city": place["city"],
                           "region": place["region"], "country": locale["country"],
                           "postal_code": fill_digits(rng, place["postal"]),
                           "is_default": not result})
        return result

    def _preferences(self, locale: dict[str, Any], has_email: bool) -> dict[str, Any]:
        rng = self.rng
        quiet = rng.random() < 0.04  # asked not to be contacted: no opt-in at all
        languages = locale["languages"]
        return {
            "do_not_contact": quiet,
            "email_opt_in": not quiet and has_email and rng.random() < 0.6,
            "sms_opt_in": not quiet and rng.random() < 0.3,
            "push_opt_in": not quiet and rng.random() < 0.15,
            "preferred_channel": CHANNELS_PREFERRED.pick(rng),
            "language": rng.choices(languages, weights=range(len(languages) * 2, 0, -2))[0],
            "gdpr_consent": rng.random() < 0.75,  # dated the day the customer was created
        }
