"""A compaction's derived files carried over from the old snapshot's, not built again by
reading the new snapshot through.

`write_rewrite` notes where it put each line (`rewrite.Layout`): a block copied whole
moved every line in it by one distance; rebuilt blocks and new documents were placed one
line at a time. So the new `.ids` is the old one with each line moved (lines of rebuilt
blocks and deleted documents dropped) and the placed lines set; an int index's keys are
the old file's, less the documents the journal changed, plus those documents' keys now.
Nothing of the snapshot is read or parsed. An order index keeps no key on disk: it is
carried only from the whole table held in memory.

The files carried are the very bytes a full build from the new snapshot writes (a test
holds them equal); when the old files cannot serve (missing, stale, damaged) the caller
builds them from the snapshot instead.
"""

from __future__ import annotations

import os
from array import array
from bisect import bisect_right
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .derived_files import USABLE, Unusable
from .doc_index import MAX_U32, KeyOf, TableFiles, TableKeys, is_order, snapshot_identity
from .rewrite import Rewrite

Doc = dict[str, Any]


def carry_table_files(plan: Rewrite, indexes: Mapping[str, tuple[str, KeyOf]], mode: int,
                      old: TableFiles, whole: Mapping[int, Doc] | None) -> list[Path] | None:
    """Write the derived files of the snapshot `plan` was just written into, from `old`
    (the files of the snapshot it replaced) and where the lines went; `whole`: the table's
    documents, when held. Returns the files written, or None when they cannot be carried
    (the caller builds them from the snapshot)."""
    layout = plan.layout
    if not USABLE or layout is None or layout.at > MAX_U32:
        return None
    if whole is None and any(is_order(definition) for definition, _ in indexes.values()):
        return None
    try:
        keys = _keys(plan, indexes, old, whole)
    except Unusable:
        return None
    fd = os.open(plan.path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        identity = snapshot_identity(fd, plan.path, plan.table)[0]
    finally:
        os.close(fd)
    return keys.write(plan.path.parent, plan.table, identity, _slots(plan, old), mode)


def _slots(plan: Rewrite, old: TableFiles) -> array[int]:
    """The new `.ids`: each old line moved with its block, then the placed lines."""
    layout = plan.layout
    assert layout is not None
    slots = old.slots() if plan.old is not None else []
    starts = [start for start, _, _ in layout.moves]
    ends = [end for _, end, _ in layout.moves]
    shifts = [new - start for start, _, new in layout.moves]
    for at in range(0, len(slots), 2):
        if slots[at + 1]:
            offset = slots[at]
            block = bisect_right(starts, offset) - 1
            if block >= 0 and offset < ends[block]:
                slots[at] = offset + shifts[block]
            else:  # its block was rebuilt: placed below if it is still there
                slots[at] = slots[at + 1] = 0
    top = max(layout.ids, default=-1)
    if top * 2 + 1 >= len(slots):
        slots += [0] * (top * 2 + 2 - len(slots))
    for doc_id, offset, length in zip(layout.ids, layout.offsets, layout.lengths, strict=True):
        slots[doc_id * 2], slots[doc_id * 2 + 1] = offset, length
    while slots and not slots[-1]:  # a build from the snapshot ends at its last document
        del slots[-2:]
    return array("I", slots)


def _keys(plan: Rewrite, indexes: Mapping[str, tuple[str, KeyOf]], old: TableFiles,
          whole: Mapping[int, Doc] | None) -> TableKeys:
    """Each index's keys of the new snapshot's documents: an int index's from its old file
    and the changed documents, else (an order index, an old file that cannot serve) from
    the whole table. Unusable when neither can."""
    keys = TableKeys(indexes)
    carried = []
    gone = {doc_id for doc_id in plan.changed if plan.old and doc_id <= plan.old.last_id}
    for name in keys.packed:
        try:
            index = old.index(name, indexes[name][0]) if plan.old is not None else None
        except Unusable:
            if whole is None:
                raise
            continue
        keys.packed[name] = [] if index is None else index.packed(gone)
        carried.append(name)
    now = {doc_id: doc for doc_id, doc in plan.changed.items() if doc is not None}
    keys.add(list(now), list(now.values()), carried)
    if rest := [name for name in indexes if name not in carried]:
        assert whole is not None  # order indexes: checked by the caller
        keys.add(list(whole), list(whole.values()), rest)
    return keys
