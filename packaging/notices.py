"""Third-party notices of a Quire bundle, collected at build time from what is bundled.

``packaging/quire.spec`` calls :func:`collect` with the source paths of everything the
bundle holds (modules, libraries, data), then writes ``THIRD-PARTY-NOTICES.txt`` (shipped
in every bundle: .tar.gz, .deb, and the Windows and macOS definitions) and, for the .deb,
the machine-readable (DEP-5) ``copyright`` file. Nothing in them is hand-written except
the statements below (Qt's LGPL terms, the fonts and styles, which come with their own
licence files in ``resources/``):

* each bundled Python distribution: name, version, licence (``License-Expression``, else
  ``License``, else its classifiers) and the licence files of its own ``.dist-info``
  (or its ``License`` field when that holds the whole text);
* Python itself (the ``LICENSE.txt`` of the Python that built the bundle);
* the system libraries copied into the bundle (Linux): each one's Debian package and
  that package's ``/usr/share/doc/PACKAGE/copyright`` (OpenSSL, libffi, ICU...);
* Qt and PySide6 (LGPL-3.0): how to get the source and replace the libraries, with the
  LGPL and GPL texts (``packaging/licenses/``: the wheels carry none);
* the fonts and the CSL styles of ``resources/``.

:class:`MissingLicence` (the build stops) names every bundled piece with no licence text.
Run alone, it writes the notices of the modules this Python has imported after importing
Quire's window: ``python packaging/notices.py OUT.txt`` (the test does that).
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import sysconfig
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LICENCES = Path(__file__).resolve().parent / "licenses"
LICENCE_FILE = re.compile(r"^(LICEN[CS]E|COPYING|NOTICE|COPYRIGHT)", re.IGNORECASE)
QT_DISTS = {"pyside6-essentials", "pyside6", "pyside6-addons", "shiboken6"}
NOT_TEXT = (".py", ".pyc", ".so", ".pyd", ".dll", ".dylib")


@dataclass
class Piece:
    """One bundled component and its licence."""

    name: str
    version: str
    licence: str
    texts: list[tuple[str, str]] = field(default_factory=list)  # (where from, text)
    url: str = ""
    paths: set[str] = field(default_factory=set)  # its source paths (or resource globs)
    note: str = ""
    dist_info: str = ""  # its .dist-info folder's name


class MissingLicence(RuntimeError):
    """Some bundled piece has no licence text the generator can find."""


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace").strip()


# -- Python distributions -----------------------------------------------------------------


def owners(paths: Iterable[str]) -> dict[str, tuple[metadata.Distribution, set[str]]]:
    """The distributions that own any of ``paths``, each with the paths it owns."""
    index: dict[str, metadata.Distribution] = {}
    for dist in metadata.distributions():
        for f in dist.files or ():
            index.setdefault(os.path.normcase(os.path.abspath(dist.locate_file(f))), dist)
    found: dict[str, tuple[metadata.Distribution, set[str]]] = {}
    for path in paths:
        dist = index.get(os.path.normcase(os.path.abspath(path)))
        if dist is not None:
            key = _norm(dist.metadata["Name"])
            found.setdefault(key, (dist, set()))[1].add(path)
    return found


def licence_name(dist: metadata.Distribution) -> str:
    """The licence as the distribution declares it."""
    meta = dist.metadata
    if meta.get("License-Expression"):
        return meta["License-Expression"].strip()
    declared = (meta.get("License") or "").strip()
    if declared and "\n" not in declared and len(declared) <= 80 \
            and declared.upper() != "UNKNOWN":
        return declared
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or ()
                   if c.startswith("License ::")]
    return " / ".join(classifiers) or ("see the text below" if declared else "")


def licence_texts(dist: metadata.Distribution) -> list[tuple[str, str]]:
    """The licence files of the distribution's own metadata folder (and the ``License``
    field when it holds a whole licence rather than a name)."""
    texts = []
    for f in dist.files or ():
        parts = f.parts
        in_meta = len(parts) >= 2 and parts[0].endswith((".dist-info", ".egg-info"))
        if not in_meta or f.name.endswith(NOT_TEXT):
            continue
        if LICENCE_FILE.match(f.name) or "licenses" in parts[1:-1]:
            path = Path(dist.locate_file(f))
            if path.is_file():
                texts.append(("/".join(parts[1:]), _read(path)))
    declared = (dist.metadata.get("License") or "").strip()
    if not texts and ("\n" in declared or len(declared) > 200):
        texts.append(("the License field of its metadata", declared))
    return texts


def _url(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    for entry in meta.get_all("Project-URL") or ():
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("source", "source code", "repository", "homepage",
                                     "home", "code"):
            return url.strip()
    return (meta.get("Home-page") or "").strip()


def distribution_pieces(found: dict) -> list[Piece]:
    pieces = []
    for key, (dist, paths) in sorted(found.items()):
        if key == "quire":  # Quire itself (installed in a development venv): GPL, above
            continue
        piece = Piece(dist.metadata["Name"], dist.version, licence_name(dist),
                      licence_texts(dist), _url(dist), paths)
        piece.dist_info = next((f.parts[0] for f in dist.files or ()
                                if f.parts[0].endswith(".dist-info")), "")
        if key in QT_DISTS:
            qt_texts(piece)
        pieces.append(piece)
    return pieces


# -- libraries a wheel vendors (auditwheel's NAME.libs/) ----------------------------------------

def vendored_pieces(found: dict) -> list[Piece]:
    """Libraries copied into a wheel (``numpy.libs/``, ``psycopg_binary.libs/``...): covered
    when the wheel's own licence texts name them (numpy's names OpenBLAS and the GCC
    runtime), else by the copyright file of the Debian package of the same library
    (OpenSSL, libpq, Kerberos...); a library covered by neither is returned with no text,
    which stops the build."""
    pieces: dict[str, Piece] = {}
    for _key, (dist, paths) in sorted(found.items()):
        texts = " ".join(t for _, t in licence_texts(dist)).lower()
        for path in sorted(paths):
            folder = Path(path).parent.name
            if not folder.endswith(".libs") or not Path(path).name.startswith("lib"):
                continue
            soname = re.sub(r"-[0-9a-f]{8}", "", Path(path).name)  # auditwheel's hashes
            stem = soname.split(".so")[0].removeprefix("lib")
            words = [w for w in re.split(r"[_\d]+", stem) if len(w) >= 4]
            if any(w in texts for w in words):
                continue  # the wheel's own licence files cover it
            major = re.match(r"(.*?\.so(?:\.\d+)?)", soname)
            # the same soname in Debian, else the same library in another version
            package = _dpkg_owner(f"*/{major.group(1) if major else soname}") \
                or _dpkg_owner(f"*/lib{stem}[-.]*so*")
            where = f"{folder}/{Path(path).name} (vendored by {dist.metadata['Name']})"
            if package is None:
                pieces[where] = Piece(where, "", "", [])
                continue
            piece = pieces.get(package)
            if piece is None:
                piece = pieces[package] = _debian_piece(package)
                piece.note = ("The same library as Debian's package, whose copyright file "
                              "follows, built into a Python wheel; files: ")
            piece.note += ("" if piece.note.endswith(": ") else ", ") + where
            piece.paths.add(path)
    return list(pieces.values())


def _dpkg_owner(pattern: str) -> str | None:
    try:
        done = subprocess.run(["dpkg-query", "-S", pattern], capture_output=True, text=True,
                              check=False)
    except FileNotFoundError:
        return None
    first = done.stdout.splitlines()[0] if done.returncode == 0 and done.stdout else ""
    return first.split(":")[0].split(",")[0].strip() or None


def _debian_piece(package: str) -> Piece:
    copyright_file = Path("/usr/share/doc") / package / "copyright"
    texts = [(str(copyright_file), _read(copyright_file))] if copyright_file.is_file() else []
    return Piece(package, _deb_version(package), "see its copyright file", texts)


# -- Qt and PySide6 ----------------------------------------------------------------------------

QT_STATEMENT = """\
Qt {version} and PySide6/Shiboken6 {version} (The Qt Company Ltd. and other contributors)
are used under the GNU Lesser General Public License version 3 (LGPL-3.0), whose text
follows with the GNU GPL version 3 it refers to. Quire uses them unmodified, as shared
libraries loaded at run time: in this bundle they are the files under PySide6/ and
shiboken6/ (the Qt libraries in PySide6/Qt/lib, its plugins in PySide6/Qt/plugins).

Source code: the source of this exact Qt and PySide6 version is published by The Qt
Company at https://download.qt.io/official_releases/qt/ (Qt {short}) and
https://download.qt.io/official_releases/QtForPython/ (pyside6 {version}), and in the
git repositories https://code.qt.io/cgit/qt/ and https://code.qt.io/cgit/pyside/. For
three years from the release of this Quire, its developers will also send that source on
request, for no more than the cost of making and sending the copy.

Relinking: you may replace these libraries with your own build of Qt or PySide6 (for
example one you have modified): put the replacements at the same paths in the bundle
(they must keep the same major version and binary interface); Quire itself then loads
them, with no need to rebuild it. Quire's own source is under the GNU GPL 3 or later.

Qt includes third-party code under permissive licences (listed at
https://doc.qt.io/qt-6/licenses-used-in-qt.html); on Linux the wheels also carry the ICU
libraries (libicu*, see "System libraries" or "ICU" below)."""


def qt_texts(piece: Piece) -> None:
    """Qt's wheels carry no licence files: the LGPL-3.0 statement and texts."""
    short = ".".join(piece.version.split(".")[:2])
    piece.note = QT_STATEMENT.format(version=piece.version, short=short)
    piece.licence = piece.licence or "LGPL-3.0-only"
    for name in ("LGPL-3.0.txt", "GPL-3.0.txt"):
        piece.texts.append((f"packaging/licenses/{name}", _read(LICENCES / name)))


# -- Python itself -----------------------------------------------------------------------------

def python_piece() -> Piece:
    """CPython: its LICENSE.txt as installed with the Python that builds the bundle."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    candidates = [stdlib / "LICENSE.txt", Path(sys.base_prefix) / "LICENSE.txt",
                  Path(sys.base_prefix) / "share" / "doc" / "python3" / "copyright",
                  Path(f"/usr/share/doc/python{sys.version_info.major}."
                       f"{sys.version_info.minor}/copyright")]
    texts = [(str(p), _read(p)) for p in candidates[:1] + candidates[1:] if p.is_file()][:1]
    version = ".".join(map(str, sys.version_info[:3]))
    return Piece("Python", version, "PSF-2.0", texts, "https://www.python.org/",
                 note="The Python interpreter and standard library (libpython, the "
                      "python3.x/ folder and base_library.zip of the bundle).")


# -- system libraries (Linux) -----------------------------------------------------------------

def system_pieces(libraries: Iterable[str]) -> list[Piece]:
    """The Debian packages of the system libraries copied into the bundle, with their
    copyright files. Libraries of Python itself (libpython) are Python's."""
    libs = sorted({os.path.realpath(p) for p in libraries})
    libs = [p for p in libs if not Path(p).name.startswith("libpython")]
    if not libs:
        return []
    try:
        out = subprocess.run(["dpkg-query", "-S", *libs], capture_output=True, text=True,
                             check=False).stdout
        out += subprocess.run(["dpkg-query", "-S", *[_usr_merged(p) for p in libs]],
                              capture_output=True, text=True, check=False).stdout
    except FileNotFoundError:  # not a Debian system: every library is reported missing
        out = ""
    owner: dict[str, str] = {}
    for line in out.splitlines():
        package, _, path = line.partition(": ")
        owner.setdefault(_usr_merged(path.strip()), package.split(":")[0])
    pieces: dict[str, Piece] = {}
    for lib in libs:
        package = owner.get(_usr_merged(lib))
        if package is None:
            pieces[lib] = Piece(Path(lib).name, "", "", [], paths={lib})
            continue
        piece = pieces.get(package)
        if piece is None:
            piece = pieces[package] = _debian_piece(package)
            piece.note = "Debian package; libraries: "
        piece.paths.add(lib)
    for piece in pieces.values():
        if piece.note:
            piece.note += ", ".join(sorted(Path(p).name for p in piece.paths))
    return list(pieces.values())


def _usr_merged(path: str) -> str:
    return path[4:] if path.startswith("/usr/lib/") else path  # /usr/lib and /lib are one


def _deb_version(package: str) -> str:
    done = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package],
                          capture_output=True, text=True, check=False)
    return done.stdout.strip()


# -- Quire's own resources: fonts and citation styles -----------------------------------------

def resource_pieces() -> list[Piece]:
    fonts = ROOT / "resources" / "fonts"
    return [
        Piece("Amiri (font)", "0.113", "OFL-1.1",
              [("resources/fonts/OFL-Amiri.txt", _read(fonts / "OFL-Amiri.txt"))],
              "https://www.amirifont.org/", {"resources/fonts/Amiri-*.ttf"}),
        Piece("Noto Emoji and Noto Color Emoji (fonts)", "", "OFL-1.1",
              [("resources/fonts/OFL-NotoEmoji.txt", _read(fonts / "OFL-NotoEmoji.txt"))],
              "https://github.com/googlefonts/noto-emoji", {"resources/fonts/Noto*.ttf"}),
        Piece("DejaVu Sans (font)", "2.37", "Bitstream-Vera",
              [("resources/fonts/LICENSE-DejaVu.txt", _read(fonts / "LICENSE-DejaVu.txt"))],
              "https://dejavu-fonts.github.io/", {"resources/fonts/DejaVu*.ttf"}),
        Piece("Citation Style Language styles and locale", "", "CC-BY-SA-3.0",
              [("resources/csl/README.md", _read(ROOT / "resources" / "csl" / "README.md"))],
              "https://github.com/citation-style-language/styles", {"resources/csl/*"},
              note="Licensed under the Creative Commons Attribution-ShareAlike 3.0 "
                   "Unported licence, https://creativecommons.org/licenses/by-sa/3.0/ ; "
                   "authors in each file's <info> element and in the README below."),
    ]


# -- everything --------------------------------------------------------------------------------

def collect(paths: Iterable[str], libraries: Iterable[str] = ()) -> list[Piece]:
    """Every bundled piece, given the source paths of the bundle's modules and data
    (``paths``) and of its native libraries (``libraries``, also matched to their
    distributions first). Raises MissingLicence naming every piece with no text."""
    libraries = list(libraries)
    found = owners([*paths, *libraries])
    owned = {p for _, ps in found.values() for p in ps}
    pieces = [python_piece(), *distribution_pieces(found), *resource_pieces()]
    if sys.platform.startswith("linux"):
        pieces += system_pieces(p for p in libraries if p not in owned and not _in_python(p))
        pieces += vendored_pieces(found)
    missing = [p.name + (f" {p.version}" if p.version else "") for p in pieces if not p.texts]
    if missing:
        raise MissingLicence("no licence text found for: " + ", ".join(missing)
                             + " (add it to packaging/licenses and to notices.py, or "
                               "leave the package out of the bundle)")
    return pieces


def _in_python(path: str) -> bool:
    """A library of the Python installation itself (lib-dynload): Python's licence."""
    base = os.path.realpath(sys.base_prefix) + os.sep
    return os.path.realpath(path).startswith(base)


def render(pieces: list[Piece], app_version: str) -> str:
    """THIRD-PARTY-NOTICES.txt: a summary table, then each piece with its texts (a text
    already given in full is referred to, not repeated)."""
    width = max(len(p.name) for p in pieces)
    lines = [f"Quire {app_version}: third-party notices",
             "",
             "Quire is free software under the GNU General Public License, version 3 or "
             "later. This",
             "bundle also contains the software, fonts and styles below, each under its own "
             "licence.",
             "This file was generated when the bundle was built (packaging/notices.py), from "
             "the",
             "metadata of what the bundle holds.", "", "=" * 78, ""]
    lines += [f"{p.name:<{width}}  {p.version:<12} {p.licence}" for p in pieces]
    seen: dict[str, str] = {}
    for piece in pieces:
        lines += ["", "=" * 78, f"{piece.name} {piece.version}".rstrip(),
                  f"Licence: {piece.licence}"]
        if piece.url:
            lines.append(f"Home: {piece.url}")
        if piece.note:
            lines += ["", piece.note]
        for where, text in piece.texts:
            digest = hashlib.sha256(text.encode()).hexdigest()
            lines += ["", f"--- {where} ---"]
            if digest in seen:
                lines.append(f"(the same text as {seen[digest]}, above)")
            else:
                seen[digest] = f"{where} of {piece.name}"
                lines.append(text)
    return "\n".join(lines) + "\n"


# -- the .deb's copyright file (DEP-5) ---------------------------------------------------------

DEP5_HEADER = """\
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: Quire
Comment: /opt/quire is a self-contained bundle (PyInstaller): CPython, Qt (PySide6) and the
 Python packages Quire needs, each under its own licence, as listed below. Compiled
 modules, libraries, data and each package's .dist-info (with its licence files) are in
 /opt/quire/_internal; the pure-Python modules of Quire and of those packages are
 compiled into the executable /opt/quire/quire, each under the licence of its package's
 paragraph below. The full notices, with every licence text, are in
 /usr/share/doc/quire/THIRD-PARTY-NOTICES.txt (generated at build time).

Files: *
Copyright: Quire developers
License: GPL-3.0-or-later
 On Debian systems the full text is in /usr/share/common-licenses/GPL-3.
"""


def _dep5_text(text: str) -> str:
    return "\n".join(" " + line.rstrip() if line.strip() else " ." for line in text.splitlines())


def _copyright_lines(piece: Piece) -> str:
    for _, text in piece.texts:
        for line in text.splitlines():
            if re.match(r"\s*(Copyright|\(c\)|©)", line, re.IGNORECASE) and re.search(r"\d{4}",
                                                                                      line):
                return re.sub(r"^\s*Copyright:?\s*", "", line.strip())[:200]
    return f"the {piece.name} authors"


def _dep5_licence(licence: str) -> str:
    """A licence as DEP-5 writes it: SPDX operators in lower case, no spaces in names."""
    words = licence.replace("(", " ( ").replace(")", " ) ").split()
    if len(words) > 1 and any(w in ("AND", "OR", "WITH") for w in words):
        return " ".join(w.lower() if w in ("AND", "OR", "WITH") else w for w in words)
    return re.sub(r"[^A-Za-z0-9.+]+", "-", " ".join(words)).strip("-") or "other"


def bundle_places(pieces: list[Piece], binaries, datas, prefix: str) -> dict[str, list[str]]:
    """Each piece's places in the installed bundle, as DEP-5 ``Files`` globs: the top-level
    folders and files of the bundle that hold its libraries and data, and its .dist-info."""
    dest_of: dict[str, str] = {}
    for dest, src, _ in [*binaries, *datas]:
        dest_of[os.path.normcase(os.path.abspath(src))] = dest.replace("\\", "/")
        dest_of.setdefault(os.path.realpath(src), dest.replace("\\", "/"))
    places: dict[str, list[str]] = {}
    for piece in pieces:
        found = set()
        for path in piece.paths:
            if "*" in path:  # Quire's own resources, given as globs
                found.add(prefix + path)
                continue
            dest = dest_of.get(os.path.normcase(os.path.abspath(path))) \
                or dest_of.get(os.path.realpath(path))
            if dest:
                top = dest.split("/")[0]
                found.add(prefix + (f"{top}/*" if "/" in dest else top))
        if piece.dist_info:
            found.add(f"{prefix}{piece.dist_info}/*")
        if piece.name == "Python":
            found |= {f"{prefix}libpython*", f"{prefix}python3*", f"{prefix}base_library.zip"}
        places[piece.name] = sorted(found)
    return places


def metadata_datas(found: dict) -> list[tuple[str, str, str]]:
    """The .dist-info folders of the bundled distributions, as PyInstaller data entries."""
    out = []
    for key, (dist, _) in found.items():
        if key == "quire":
            continue
        for f in dist.files or ():
            if f.parts[0].endswith(".dist-info") and f.name != "RECORD":
                src = Path(dist.locate_file(f))
                if src.is_file():
                    out.append(("/".join(f.parts), str(src), "DATA"))
    return out


def render_dep5(pieces: list[Piece], places: dict[str, list[str]]) -> str:
    """The .deb's copyright file. ``places`` maps a piece's name to its paths in the
    installed system (globs). Pure-Python modules are compiled into the executable
    (covered by the first paragraph's comment); each distribution's own paragraph names
    its .dist-info folder, its libraries and its data."""
    stanzas = [DEP5_HEADER]
    for piece in pieces:
        files = places.get(piece.name) or []
        if not files:
            continue
        comment = f"{piece.name} {piece.version}".rstrip()
        if piece.url:
            comment += f", {piece.url}"
        if piece.note:
            comment += ". " + " ".join(piece.note.split())
        body = "\n\n".join(f"[{where}]\n{text}" for where, text in piece.texts)
        licence = _dep5_licence(piece.licence)
        stanzas.append(f"Files: {' '.join(files)}\n"
                       f"Copyright: {_copyright_lines(piece)}\n"
                       f"License: {licence}\n{_dep5_text(body)}\n"
                       f"Comment: {_dep5_text(comment).lstrip()}\n")
    return "\n".join(stanzas)


def main(argv: list[str]) -> int:
    """Write the notices of what this Python has loaded after importing Quire's window."""
    import importlib

    out = Path(argv[0])
    for module in ("desktop.main_window", "desktop.cli", "db.export.pdf",
                   "db.export.analysis_pages"):
        importlib.import_module(module)
    paths = [f for m in list(sys.modules.values()) if (f := getattr(m, "__file__", None))]
    libraries = [p for p in paths if p.endswith((".so", ".pyd"))]
    from db import __version__

    out.write_text(render(collect(paths, libraries), __version__), encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
