"""Make one change from another process: poke.py DB ACTION [ARGS...]."""

from __future__ import annotations

import sys

from crm_tui.store import Database


def main() -> None:
    db = Database(sys.argv[1])
    action = sys.argv[2]
    table = db.table(sys.argv[3]) if len(sys.argv) > 3 else None
    if action == "insert" and table is not None:
        table.insert({"name": sys.argv[4], "n": int(sys.argv[5])})
    elif action == "rename" and table is not None:
        table.update({"name": sys.argv[5]}, doc_ids=[int(sys.argv[4])])
    elif action == "remove" and table is not None:
        table.remove(doc_ids=[int(sys.argv[4])])
    elif action == "compact":
        db.compact()
    db.close()


if __name__ == "__main__":
    main()
