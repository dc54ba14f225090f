"""Opening a ``.qdpx`` safely and finding its parts, whichever program wrote it.

A ``.qdpx`` is a zip holding one ``.qde`` (the project XML) and the sources' files.
The standard names them ``project.qde`` and ``Sources/``; other programs write
``sources/``, a ``.qde`` named after the project, or a folder around everything.
Nothing is ever extracted to disk: members are read into memory, and a zip naming a
member with an absolute path or ``..`` is refused whole. Paths to files outside the
zip (``relative://``, ``file://``, absolute paths) are never opened.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

from db.errors import ImportFileError
from db.importers.safety import open_zip, read_member

_DRIVE = re.compile(r"^[A-Za-z]:")
_INTERNAL = "internal://"


def unsafe_member(name: str) -> bool:
    """Whether a zip member's name points outside the zip's own folder."""
    clean = name.replace("\\", "/")
    if clean.startswith("/") or _DRIVE.match(clean):
        return True
    return ".." in PurePosixPath(clean).parts


class Container:
    """An open ``.qdpx``: its ``.qde`` and a case-insensitive index of its files."""

    def __init__(self, path: Path):
        self.path = path
        if not zipfile.is_zipfile(path):
            raise ImportFileError(path, "this is not a REFI-QDA project file (.qdpx): it is "
                                        "not a zip archive")
        self.zf = open_zip(path)
        names = [i.filename for i in self.zf.infolist() if not i.is_dir()]
        bad = [n for n in names if unsafe_member(n)]
        if bad:
            self.zf.close()
            raise ImportFileError(path, f"refused: the archive names a file outside its "
                                        f"folder ({bad[0]!r}); nothing was read")
        self._names = names
        self._lower = {n.replace("\\", "/").lower(): n for n in names}
        self.qde_name = self._find_qde()

    def close(self) -> None:
        """Close the zip."""
        self.zf.close()

    def __enter__(self) -> Container:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def _find_qde(self) -> str:
        qdes = [n for n in self._names if n.lower().endswith(".qde")]
        if not qdes:
            raise ImportFileError(self.path, "this .qdpx holds no project (.qde) file")
        for wanted in ("project.qde",):
            if wanted in self._lower:
                return self._lower[wanted]
        shallow = min(n.replace("\\", "/").count("/") for n in qdes)
        top = [n for n in qdes if n.replace("\\", "/").count("/") == shallow]
        if len(top) > 1:
            raise ImportFileError(self.path, "this .qdpx holds several projects "
                                             f"({', '.join(sorted(top)[:3])}); "
                                             "Quire cannot tell which one to read")
        return top[0]

    def read(self, name: str) -> bytes:
        """The bytes of member ``name`` (checked against zip bombs)."""
        return read_member(self.path, self.zf, name)

    def qde(self) -> bytes:
        """The project XML."""
        return self.read(self.qde_name)

    def internal(self, reference: str) -> bytes | None:
        """The bytes of the file an ``internal://name`` path names; None when missing.

        The file is looked for in ``Sources/`` (any case) beside the ``.qde``, then
        anywhere in the zip by its name.
        """
        if not reference.lower().startswith(_INTERNAL):
            return None
        name = reference[len(_INTERNAL):].replace("\\", "/").lstrip("/")
        if not name or unsafe_member(name):
            return None
        base = str(PurePosixPath(self.qde_name.replace("\\", "/")).parent)
        prefix = "" if base == "." else base + "/"
        for candidate in (f"{prefix}sources/{name}", f"sources/{name}", name):
            if candidate.lower() in self._lower:
                return self.read(self._lower[candidate.lower()])
        leaf = PurePosixPath(name).name.lower()
        found = [n for low, n in self._lower.items() if PurePosixPath(low).name == leaf]
        return self.read(found[0]) if len(found) == 1 else None
