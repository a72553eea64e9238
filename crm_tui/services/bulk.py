"""Changes to many customers at once (the customers screen's marked rows).

Each call is one use case: one commit, audited per customer, and one undo entry, so ctrl+z
takes back the whole bulk change. A customer a change cannot apply to (deleted meanwhile,
a status the rules refuse) stops the whole change: nothing is half-written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from crm_tui.domain.errors import ValidationError
from crm_tui.domain.wording import counted

from .changes import Changes
from .customers import CustomerService

# Called with (done, total) after each customer: a worker's progress line.
Progress = Callable[[int, int], None]
# The fields a bulk edit may set, as its undo entry names them.
EDITABLE = {"status": "status", "owner": "owner", "segment_override": "lifecycle segment"}


def _tag(text: str) -> str:
    tag = text.strip()
    if not tag:
        raise ValidationError("tag", "type the tag")
    return tag


class BulkService:
    def __init__(self, changes: Changes, customers: CustomerService) -> None:
        self.changes = changes
        self.customers = customers

    def _each(self, label: str, ids: Iterable[int], apply: Callable[[int], bool],
              progress: Progress | None) -> int:
        """`apply` to every customer in one change; the number it changed."""
        wanted = list(dict.fromkeys(ids))
        changed = 0
        with self.changes.change(label):
            for done, customer_id in enumerate(wanted, 1):
                changed += apply(customer_id)
                if progress is not None:
                    progress(done, len(wanted))
        return changed

    def update(self, ids: Iterable[int], patch: Mapping[str, Any], *,
               progress: Progress | None = None) -> int:
        """Set the same fields (status, owner, lifecycle segment) on every customer; each record is
        validated whole, as an edit is."""
        unknown = sorted(set(patch) - set(EDITABLE))
        if unknown:
            raise ValueError(f"a bulk edit sets only {', '.join(EDITABLE)}, not {unknown}")
        ids = list(ids)

        def apply(customer_id: int) -> bool:
            current = self.customers.get(customer_id)
            if all(current.get(k) == v for k, v in patch.items()):
                return False
            self.customers.update(customer_id, patch)
            return True

        what = " and ".join(EDITABLE[name] for name in patch)
        return self._each(f"Set {what} of {counted(len(ids), 'customer')}", ids, apply, progress)

    def tag(self, ids: Iterable[int], tag: str, *, progress: Progress | None = None) -> int:
        """Add `tag` to every customer who lacks it (case ignored)."""
        ids, tag = list(ids), _tag(tag)

        def apply(customer_id: int) -> bool:
            tags = self.customers.get(customer_id).get("tags") or []
            if tag.casefold() in {t.casefold() for t in tags}:
                return False
            self.customers.set_tags(customer_id, [*tags, tag])
            return True

        return self._each(f"Tag {counted(len(ids), 'customer')} with {tag}", ids, apply, progress)

    def untag(self, ids: Iterable[int], tag: str, *, progress: Progress | None = None) -> int:
        """Remove `tag` (case ignored) from every customer who has it."""
        ids, tag = list(ids), _tag(tag)

        def apply(customer_id: int) -> bool:
            tags = self.customers.get(customer_id).get("tags") or []
            kept = [t for t in tags if t.casefold() != tag.casefold()]
            if len(kept) == len(tags):
                return False
            self.customers.set_tags(customer_id, kept)
            return True

        return self._each(f"Remove tag {tag} from {counted(len(ids), 'customer')}", ids, apply,
                          progress)

    def delete(self, ids: Iterable[int], *, progress: Progress | None = None) -> int:
        """Soft delete every customer (to the trash, as one delete does)."""
        ids = list(ids)

        def apply(customer_id: int) -> bool:
            self.customers.delete(customer_id)
            return True

        return self._each(f"Delete {counted(len(ids), 'customer')}", ids, apply, progress)
