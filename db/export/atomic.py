"""Writing an export all at once: into a temporary file beside the target, then renamed.

A cancelled or failed export leaves nothing behind, and an existing file of the same
name is only replaced by a complete one. Paths that cannot be written raise
:class:`~db.errors.ExportError` with the reason in words. A killed export cannot clean
up after itself: its partial file carries its process id, and the next export to the
same folder removes partial files whose process is gone. The file gets the user's
normal mode (``0666`` less the umask), like any file a program saves.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from db.errors import ExportCancelled, ExportError
from db.failures import os_reason

PART = ".part"


def check_target(path: str | Path, suffixes: tuple[str, ...]) -> Path:
    """The target as a Path, checked before any work: a known suffix, an existing folder,
    not a folder itself."""
    target = Path(path)
    if target.suffix.lower() not in suffixes:
        raise ExportError(f"{target.name}: the file name must end in " + " or ".join(suffixes))
    if target.is_dir():
        raise ExportError(f"{target}: is a folder, not a file")
    if not target.parent.is_dir():
        raise ExportError(f"{target.parent}: no such folder")
    return target


@contextmanager
def atomic_target(target: Path) -> Iterator[Path]:
    """A temporary path to write; renamed to ``target`` when the block ends without error,
    deleted otherwise."""
    remove_abandoned(target.parent)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-{os.getpid()}-", suffix=PART,
                                   dir=target.parent)
    except OSError as exc:
        raise ExportError(f"{target}: cannot write here ({os_reason(exc)})") from exc
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        _replace(tmp_path, target)
    except OSError as exc:
        raise ExportError(f"{target}: could not be written ({os_reason(exc)}); nothing was "
                          "written and the project is unchanged") from exc
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def remove_abandoned(folder: Path) -> list[Path]:
    """Remove the partial files of exports killed before they could (their process is
    gone); returns them."""
    gone = []
    for part in folder.glob(f".*-*-*{PART}"):
        pid = part.name.rsplit("-", 2)[-2]
        if pid.isdigit() and not _alive(int(pid)):
            try:
                part.unlink()
                gone.append(part)
            except OSError:
                pass  # another export removed it, or the folder is read-only: harmless
    return gone


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists but belongs to someone else
    return True


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()  # read once, at import: os.umask is process-wide


def _replace(tmp: Path, target: Path) -> None:
    os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp made it private; give it a normal file's mode
    os.replace(tmp, target)


def checker(cancelled: Callable[[], bool] | None) -> Callable[[], None]:
    """A function that raises :class:`ExportCancelled` once ``cancelled()`` is true."""
    def check() -> None:
        if cancelled is not None and cancelled():
            raise ExportCancelled("export cancelled; no file was written")
    return check
