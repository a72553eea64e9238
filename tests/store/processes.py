"""Start real writer processes for the crash and concurrency tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

WRITER = Path(__file__).parent / "procs" / "writer.py"
ROOT = Path(__file__).resolve().parents[2]


def start_writer(db: Path, mode: str, start: int, count: int,
                 compact_bytes: int | None = None) -> subprocess.Popen[str]:
    args = [sys.executable, str(WRITER), str(db), mode, str(start), str(count)]
    if compact_bytes is not None:
        args.append(str(compact_bytes))
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT)


def acknowledged(output: str) -> list[int]:
    """Sequence numbers the writer reported as committed (complete lines only)."""
    lines = output.split("\n")
    if not output.endswith("\n"):
        lines = lines[:-1]  # a line cut by the kill was never fully reported
    return [int(line.split()[1]) for line in lines if line.startswith("ack ")]
