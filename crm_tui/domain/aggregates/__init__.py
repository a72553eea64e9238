"""Aggregates kept, not rescanned: the dashboard's and `crm report`'s figures as small
states folded from each change of a document, instead of scans of whole tables.

Each derivation (`DERIVATIONS`, one module each) reads some tables and offers
`reduce(table, doc_id, before, after) -> delta` (pure: the change of one document, `None`
for "absent") and `fold(state, delta) -> state`; the state is built by folding every
document once (before = None) and kept current by folding each change. Keys carry the
day, so a figure "as of" a past day is a sum over the keys up to it and stays exact.
Reading functions beside each derivation compute the figures from the states, and `dump`
/ `load` turn a state into JSON values and back. No I/O: the store keeps the states
(store/derivations.py, saved at each compaction), the dashboard's read model in the
services (services/read_models) reads them.
"""
