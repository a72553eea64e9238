"""`crm import customers` of a list with French column names, saved by Excel in Paris
(Windows-1252, semicolons, CRLF, empty trailing columns): its columns are read as their
fields. In a terminal and piped."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import crm_cmd
from .terminal import crm_either_way

TERMINAL = pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
CLIENTS = ("Prénom;Nom;E-mail;Téléphone;Société;;\r\n"
           "Zoé;Lefèvre;zoe@example.fr;06 12 34 56 78;Café Crème;;\r\n")


@TERMINAL
def test_french_column_names(small_db: Path, tmp_path: Path, terminal: bool) -> None:
    clients = tmp_path / "clients.csv"
    clients.write_bytes(CLIENTS.encode("cp1252"))
    code, said = crm_either_way(small_db, "import", "customers", str(clients), "--dry-run",
                                terminal=terminal)
    assert code == 0, said
    for line in ("Prénom -> first_name", "Nom -> last_name", "Téléphone -> phone",
                 "Société -> company", "customers: would create 1"):
        assert line in said
    code, said = crm_either_way(small_db, "import", "customers", str(clients),
                                terminal=terminal)
    assert code == 0 and "customers: 1 created" in said, said
    exported = crm_cmd(small_db, "export", "customers").stdout
    assert "Zoé,Lefèvre,,zoe@example.fr," in exported and "Café Crème" in exported
