"""The real `crm` in a real terminal (tmux): it starts, draws its screens and quits with exit
status 0 under NO_COLOR, TERM=screen, TERM=linux and 16 colours, at 80x24 and 120x40; a
search finds a customer; and when the app crashes the process exits non-zero.

Each test runs on a private tmux server whose panes stay after their command ends
(remain-on-exit), so the last screen can be read; the shell in the pane writes the exit
status to a file. Waits poll with a deadline, never sleep a fixed time."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from crm_tui.services.crm import Crm

from .conftest import NARROW, WIDE

CRM = Path(sys.executable).with_name("crm")  # the installed command, as users run it
DEADLINE = 60.0
TERMINALS = {
    "NO_COLOR": {"TERM": "xterm-256color", "NO_COLOR": "1"},
    "TERM=screen": {"TERM": "screen"},
    "TERM=linux": {"TERM": "linux"},
    "16 colours": {"TERM": "xterm"},  # without COLORTERM: Textual draws in 16 colours
}
MORE_THAN_16_COLOURS = re.compile(r"\x1b\[[0-9;]*[34]8;[25];")
FAILURE = re.compile(r"Traceback|Error")

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None and not os.environ.get("CI"),
    reason="tmux is not installed (CI installs it in .ci/run)",
)


class Terminal:
    """One command in a tmux pane of `columns` x `lines`, with exactly the environment
    given (plus PATH, HOME and a UTF-8 locale); the pane stays when the command ends."""

    def __init__(self, server: Path, command: list[str], env: dict[str, str],
                 size: tuple[int, int]) -> None:
        self.server = server
        self.name = f"crm-{uuid.uuid4().hex[:8]}"
        self.status_file = server / f"{self.name}.status"
        base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"),
                "LANG": "C.UTF-8"}
        line = shlex.join(["env", "-i", *(f"{k}={v}" for k, v in {**base, **env}.items()),
                           *command])
        # The shell reports the status: tmux's own (#{pane_dead_status}) sometimes never
        # comes when the machine is busy (the command left as a zombie).
        script = (f"cd {shlex.quote(str(Path.cwd()))} && {line}; "
                  f"echo $? > {shlex.quote(str(self.status_file))}")
        columns, lines = size
        self.tmux("new-session", "-d", "-s", self.name, "-x", str(columns), "-y", str(lines),
                  script)

    def tmux(self, *args: str) -> str:
        config = self.server / "tmux.conf"
        return subprocess.run(["tmux", "-S", str(self.server / "socket"), "-f", str(config),
                               *args], capture_output=True, text=True, check=True).stdout

    def screen(self, *, escapes: bool = False) -> str:
        return self.tmux("capture-pane", "-t", self.name, "-p", *(["-e"] if escapes else []))

    def wait_for(self, what: str, check: Callable[[], object]) -> None:
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            if check():
                return
            time.sleep(0.1)  # polling the terminal: the app runs in another process
        raise AssertionError(f"timed out waiting for {what}; the screen:\n{self.screen()}")

    def wait_for_text(self, text: str) -> None:
        self.wait_for(repr(text), lambda: text in self.screen())

    def wait_for_screen(self, title: str, content: str) -> None:
        """Until the header names the screen (the footer names them all) and shows `content`."""
        header = re.compile(rf"crm-tui\W+{title}")
        self.wait_for(f"the {title} screen",
                      lambda: header.search(screen := self.screen()) and content in screen)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.name, *keys)

    def exit_status(self) -> int:
        """Wait for the command to end and tmux to have drawn all it wrote; its status."""
        def ended() -> bool:
            dead = self.tmux("display-message", "-p", "-t", self.name, "#{pane_dead}")
            return self.status_file.read_text().endswith("\n") and dead.strip() == "1"

        self.wait_for("the app to exit", lambda: self.status_file.exists() and ended())
        return int(self.status_file.read_text())


@pytest.fixture
def terminals(tmp_path: Path) -> Iterator[Callable[..., Terminal]]:
    """Makes Terminals on a private tmux server, which is stopped afterwards."""
    server = tmp_path / "tmux"
    server.mkdir()
    (server / "tmux.conf").write_text("set -g remain-on-exit on\n")
    made: list[Terminal] = []

    def make(command: list[str], env: dict[str, str], size: tuple[int, int]) -> Terminal:
        made.append(Terminal(server, command, env, size))
        return made[-1]

    yield make
    if made:
        subprocess.run(["tmux", "-S", str(server / "socket"), "kill-server"],
                       capture_output=True)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo business, made by `crm demo`; shared by the tests that only read it."""
    path = tmp_path_factory.mktemp("demo") / "crm.db"
    subprocess.run([str(CRM), "--db", str(path), "demo", "--customers", "40",
                    "--as-of", "2026-06-15"], check=True, capture_output=True,
                   env={**os.environ, "CRM_CONFIG": str(path.parent / "config.json")})
    return path


def app_env(tmp_path: Path, terminal: str) -> dict[str, str]:
    return {"CRM_CONFIG": str(tmp_path / "config.json"), **TERMINALS[terminal]}


def assert_clean(term: Terminal, terminal: str) -> str:
    """The screen shows no failure; in the terminals but NO_COLOR's, only 16 colours."""
    screen = term.screen(escapes=True)
    assert not FAILURE.search(term.screen()), term.screen()
    if terminal != "NO_COLOR":
        assert not MORE_THAN_16_COLOURS.search(screen), terminal
    return screen


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "120x40"])
@pytest.mark.parametrize("terminal", list(TERMINALS))
def test_the_app_runs_in_this_terminal(terminals: Callable[..., Terminal], demo_db: Path,
                                       tmp_path: Path, terminal: str,
                                       size: tuple[int, int]) -> None:
    term = terminals([str(CRM), "--db", str(demo_db)], app_env(tmp_path, terminal), size)
    term.wait_for_text("40 customers")
    assert "Name" in term.screen()
    assert_clean(term, terminal)
    for key, title, content in [("1", "Dashboard", "Average LTV"),
                                ("3", "Pipeline", "Prospecting"),
                                ("2", "Customers", "40 customers")]:
        term.keys(key)
        term.wait_for_screen(title, content)
        assert_clean(term, terminal)
    term.keys("C-q")
    assert term.exit_status() == 0
    assert not FAILURE.search(term.screen())


@pytest.mark.parametrize("terminal", ["NO_COLOR", "TERM=linux"])
def test_an_empty_database_opens_on_the_welcome(terminals: Callable[..., Terminal],
                                                tmp_path: Path, terminal: str) -> None:
    term = terminals([str(CRM), "--db", str(tmp_path / "empty.db")],
                     app_env(tmp_path, terminal), NARROW)
    term.wait_for_text("Welcome to crm-tui")
    assert_clean(term, terminal)
    term.keys("Escape")  # start empty: the welcome goes, the customers screen stays
    term.wait_for("the welcome to close", lambda: "Welcome" not in term.screen())
    assert "0 customers" in term.screen()
    term.keys("1")
    term.wait_for_screen("Dashboard", "Customers")
    assert_clean(term, terminal)
    term.keys("C-q")
    assert term.exit_status() == 0


def test_a_search_finds_a_customer(crm: Crm, terminals: Callable[..., Terminal],
                                   tmp_path: Path) -> None:
    crm.customers.create({"first_name": "Zora", "last_name": "Quill", "email": "zq@x.com"})
    for n in range(30):
        crm.customers.create({"first_name": f"Person{n}", "email": f"p{n}@x.com"})
    path = crm.db.path
    crm.close()
    term = terminals([str(CRM), "--db", str(path)],
                     {"CRM_CONFIG": str(tmp_path / "config.json"), "TERM": "xterm-256color"},
                     WIDE)
    term.wait_for_text("31 customers")
    term.keys("/", "q", "u", "i", "l", "l")
    term.wait_for("the search result", lambda: re.search(r"(?<!\d)1 customer\b", term.screen()))
    assert "Zora Quill" in term.screen() and "Person1 " not in term.screen()
    term.keys("C-q")
    assert term.exit_status() == 0


CRASHING_CRM = """
import sys

from crm_tui.cli.entry import main
from crm_tui.tui.widgets.customer_table import CustomerTable


def render_line(self, y):
    raise RuntimeError("the table broke")


CustomerTable.render_line = render_line
sys.argv = ["crm", *sys.argv[1:]]
sys.exit(main())
"""


def test_a_crash_of_the_app_exits_non_zero(terminals: Callable[..., Terminal], demo_db: Path,
                                           tmp_path: Path) -> None:
    """The real command with one widget made to fail: Textual shows the traceback, and the
    exit status says it failed."""
    script = tmp_path / "crashing_crm.py"
    script.write_text(CRASHING_CRM)
    term = terminals([sys.executable, str(script), "--db", str(demo_db)],
                     app_env(tmp_path, "16 colours"), WIDE)
    assert term.exit_status() == 1
    assert "RuntimeError: the table broke" in term.screen()
