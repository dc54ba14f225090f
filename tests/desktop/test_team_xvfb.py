"""The team flow driven in a real window on a real X server: Xvfb on a free display, the
window in a process of its own (this one's Qt is on the offscreen platform)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.desktop.codebook_support import ARTIFACTS
from tests.desktop.team_support import SECRET, classroom

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def display():
    """A fresh Xvfb; it picks a free display number itself (``-displayfd``)."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (Debian: apt-get install xvfb)")
    read, write = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0",
                               "1280x1024x24", "-nolisten", "tcp"], pass_fds=(write,),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    try:
        with os.fdopen(read) as fh:
            number = fh.readline().strip()
        assert number, "Xvfb did not start"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


def test_the_team_flow_in_a_real_window(display, team, scram, capfd):
    url, pgpass = team
    sid, code = classroom(url, pgpass, scram.port)
    ARTIFACTS.mkdir(exist_ok=True)
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb",
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "tests.desktop.team_xvfb_flow",
                           url.replace("+psycopg", ""), str(sid), str(code), str(ARTIFACTS)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["platform"] == "xcb" and seen["dialogs"] == ["form", "password"]
    assert (seen["login"], seen["role"], seen["mine"]) == ("nadia", "coder", True)
    assert seen["coders"] == ["nadia", "omar"] and seen["latency"] < 1.0
    print(f"\nteammate's coding shown in the real window after {seen['latency'] * 1000:.0f} ms")
    assert "nadia (coder) on postgresql://nadia@127.0.0.1" in seen["status"]
    assert SECRET not in done.stdout + done.stderr
    for name in ("team_open_dialog", "team_password", "team_window_live"):
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 5000
