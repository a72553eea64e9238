"""The one line `export` and `report` add on stderr when the database turned out damaged.

What could be read was written: a damaged file that the command did not need leaves its
output whole, one it needed stops it with an error. Either way the store refuses writes
until a repair, and the person reading the output should know.
"""

from __future__ import annotations

import click

from crm_tui.store import Database


def warn_if_damaged(db: Database) -> None:
    """Say on stderr that the database is damaged, when this command met damage."""
    damage = db.damage
    if not damage:
        return
    more = f" (and {len(damage) - 1} more)" if len(damage) > 1 else ""
    first = " ".join(str(damage[0]).split())
    click.echo(f"crm: warning: the database is damaged: {first}{more}; the output holds "
               "what could be read; run 'crm check --repair'", err=True)
