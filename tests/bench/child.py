"""One measurement in a child process, so that its peak memory (ru_maxrss) is its own."""

from __future__ import annotations

import json
import subprocess
import sys


def run_child(script: str, *args: str) -> dict:
    """Run ``script ARGS...`` with this Python; the JSON object its last line prints."""
    out = subprocess.run([sys.executable, script, *args], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"benchmark {' '.join(args[:1])} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])
