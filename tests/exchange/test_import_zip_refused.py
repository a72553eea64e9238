"""A zip archive given to import (Mailchimp's audience export is one: a CSV per status) is
refused with the way to import it, not as "a binary file"; nothing is written."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from crm_tui.domain.errors import ValidationError
from crm_tui.services.crm import Crm
from crm_tui.services.exchange.importer import import_file

from .test_import_formats import CORPUS


def mailchimp_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(CORPUS / "mailchimp_subscribed_members_export.csv",
                      "subscribed_members_export_4f2a.csv")
    return path


def test_a_zip_archive_is_refused_saying_to_unzip_it(tmp_path: Path) -> None:
    crm = Crm.open(tmp_path / "crm.db")
    path = mailchimp_zip(tmp_path / "members_export_4f2a.zip")
    with pytest.raises(ValidationError) as refused:
        import_file(crm, "customers", path)
    assert refused.value.errors == {"file": f"{path}: is a zip archive: unzip it, then "
                                            "import the CSV files it holds"}
    assert list(crm.customers.all()) == []
