"""The real `crm` in a real terminal (tmux, TERM=xterm-256color): it starts, a search finds
a customer, and ctrl+q quits cleanly. Waits poll the screen with a deadline, never sleep."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from crm_tui.services.crm import Crm

ROOT = Path(__file__).resolve().parents[2]
DEADLINE = 60.0

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None and not os.environ.get("CI"),
    reason="tmux is not installed (CI installs it in .ci/run)",
)


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


def wait_for(what: str, check: Callable[[], object]) -> None:
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        if check():
            return
        time.sleep(0.1)  # polling the terminal: the app runs in another process
    raise AssertionError(f"timed out waiting for {what}")


def test_real_app_in_tmux(crm: Crm, tmp_path: Path) -> None:
    crm.customers.create({"first_name": "Zora", "last_name": "Quill", "email": "zq@x.com"})
    for n in range(30):
        crm.customers.create({"first_name": f"Person{n}", "email": f"p{n}@x.com"})
    path = crm.db.path
    crm.close()
    session = f"crm-test-{uuid.uuid4().hex[:8]}"
    status_file = tmp_path / "exit-status"
    command = (f"cd {ROOT} && TERM=xterm-256color CRM_CONFIG={tmp_path / 'config.json'} "
               f"{sys.executable} -m crm_tui --db {path}; echo $? > {status_file}")
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", command)
    try:
        def screen() -> str:
            return tmux("capture-pane", "-t", session, "-p")

        wait_for("the customers table", lambda: "31 customers" in screen())
        tmux("send-keys", "-t", session, "/", "q", "u", "i", "l", "l")
        wait_for("the search result", lambda: re.search(r"(?<!\d)1 customers", screen()))
        assert "Zora Quill" in screen() and "Person1 " not in screen()
        tmux("send-keys", "-t", session, "C-q")
        wait_for("the app to exit", status_file.exists)
        assert status_file.read_text().strip() == "0"
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
