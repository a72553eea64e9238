"""An integer key standing for a text, so that an index of kind "int" (written to disk by
compaction, doc_index.py) can find documents by a text field without holding the text:
the index of a task's assignee holds no name.

A 63-bit BLAKE2b of the text's UTF-8 bytes under a personalisation of its own (an i64 key,
the same in every process and database). Two texts share a key with a chance of about one
in 2**63 per pair: for the few names a field holds (the people a team's tasks are assigned
to), none in practice.
"""

from __future__ import annotations

import hashlib

_PERSON = b"crm-text-key"


def text_key(text: str) -> int:
    digest = hashlib.blake2b(text.encode(), digest_size=8, person=_PERSON).digest()
    return int.from_bytes(digest, "big") >> 1
