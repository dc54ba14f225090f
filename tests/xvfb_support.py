"""A private X server for tests and benchmarks that need a real display (Xvfb).

:func:`xvfb` starts ``Xvfb`` on a free display (it picks the number itself through
``-displayfd``), yields the ``DISPLAY`` value, and stops it afterwards. The callers skip
when the binary is missing (``.ci/run`` installs ``xvfb``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator

SIZE = "1280x800x24"


def available() -> bool:
    """Whether an Xvfb binary is on the PATH."""
    return shutil.which("Xvfb") is not None


@contextlib.contextmanager
def xvfb(size: str = SIZE, timeout: float = 30) -> Iterator[str]:
    """A running Xvfb screen of ``size``; yields its ``DISPLAY`` (":N")."""
    read, write = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", size,
                             "-nolisten", "tcp", "-noreset"], pass_fds=(write,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    try:
        with os.fdopen(read) as pipe:
            number = _read_display(pipe, proc, timeout)
        yield f":{number}"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _read_display(pipe, proc: subprocess.Popen, timeout: float) -> int:
    """The display number Xvfb writes once it accepts connections."""
    import select

    ready, _, _ = select.select([pipe], [], [], timeout)
    line = pipe.readline().strip() if ready else ""
    if not line.isdigit():
        proc.kill()
        raise RuntimeError(f"Xvfb did not start within {timeout} s (exit {proc.poll()})")
    return int(line)
