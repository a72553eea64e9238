"""`crm import customers` of a Google Contacts export names it, and imports its emails,
phones and labels. In a terminal and piped."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.exchange.test_import_formats import CORPUS

from .conftest import crm_cmd
from .terminal import crm_either_way

TERMINAL = pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])


@TERMINAL
def test_a_google_contacts_export(small_db: Path, terminal: bool) -> None:
    file = str(CORPUS / "google_contacts_export.csv")
    code, said = crm_either_way(small_db, "import", "customers", file, "--dry-run",
                                terminal=terminal)
    assert code == 0, said
    assert "format: Google Contacts export" in said
    assert "E-mail 1 - Value -> email" in said and "Phone 1 - Value -> phone" in said
    code, said = crm_either_way(small_db, "import", "customers", file, terminal=terminal)
    assert code == 0 and "customers: 3 created" in said, said
    exported = crm_cmd(small_db, "export", "customers").stdout
    assert "maria@acme.example,'+1 415-555-0199" in exported
    assert '"Clients, VIP"' in exported and "tom@home.example," in exported
