"""packaging/notices.py: the third-party notices and the .deb's DEP-5 copyright file, made
from the bundled packages' own metadata; a package with no licence text stops the build."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("quire_notices", ROOT / "packaging" / "notices.py")
notices = importlib.util.module_from_spec(_spec)
sys.modules["quire_notices"] = notices  # the dataclasses look their module up
_spec.loader.exec_module(notices)


@pytest.fixture(scope="module")
def text(tmp_path_factory) -> str:
    """The notices of what Quire's window, CLI and exports load, in this test venv."""
    out = tmp_path_factory.mktemp("notices") / "THIRD-PARTY-NOTICES.txt"
    done = subprocess.run([sys.executable, str(ROOT / "packaging" / "notices.py"), str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    return out.read_text(encoding="utf-8")


def _summary(text: str) -> dict[str, tuple[str, str]]:
    head = text.split("=" * 78)[1]
    rows = {}
    for line in head.strip().splitlines():
        name, version, licence = re.split(r"\s{2,}", line.strip(), maxsplit=2) + [""] * (
            3 - len(re.split(r"\s{2,}", line.strip(), maxsplit=2)))
        rows[name] = (version, licence)
    return rows


@pytest.mark.parametrize("dist", ["PySide6_Essentials", "shiboken6", "SQLAlchemy", "reportlab",
                                  "matplotlib", "pillow", "numpy", "Whoosh-Reloaded", "lxml"])
def test_each_bundled_package_with_its_version_and_licence(text, dist):
    rows = _summary(text)
    name = next(n for n in rows if notices._norm(n) == notices._norm(dist))
    version, licence = rows[name]
    assert version == metadata.version(dist)
    assert licence == notices.licence_name(metadata.distribution(dist)) and licence
    assert f"\n{name} {version}\nLicence: {licence}\n" in text


def test_licence_texts_come_from_the_packages_metadata(text):
    sqlalchemy = metadata.distribution("SQLAlchemy")
    [(_, licence)] = [t for t in notices.licence_texts(sqlalchemy) if t[0] == "LICENSE"] or \
        [t for t in notices.licence_texts(sqlalchemy) if "LICENSE" in t[0]]
    assert "Permission is hereby granted" in licence and licence in text
    # matplotlib's wheel keeps its licence agreement in its files or its License field
    assert "License agreement for matplotlib" in text


def test_qt_gets_the_lgpl_statement_and_texts(text):
    qt = text.split("=" * 78 + "\nPySide6_Essentials ")[1].split("=" * 78)[0]
    assert "GNU Lesser General Public License version 3" in qt
    assert "https://download.qt.io/official_releases/QtForPython/" in qt
    assert "Relinking:" in qt
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in text and "GNU GENERAL PUBLIC LICENSE" in text


def test_python_fonts_and_styles(text):
    assert "PYTHON SOFTWARE FOUNDATION LICENSE VERSION 2" in text
    for words in ("SIL OPEN FONT LICENSE", "Bitstream Vera", "Attribution-ShareAlike 3.0",
                  "creativecommons.org/licenses/by-sa/3.0"):
        assert words.lower() in text.lower(), words


def test_a_text_given_once_is_referred_to_after(text):
    lgpl = notices._read(notices.LICENCES / "LGPL-3.0.txt")
    assert text.count(lgpl) == 1  # PySide6 and shiboken6 carry the same texts
    assert "(the same text as packaging/licenses/LGPL-3.0.txt of PySide6_Essentials" in text


def test_a_package_without_a_licence_stops_the_build(tmp_path, monkeypatch):
    pkg = tmp_path / "nolicence"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    info = tmp_path / "nolicence-1.2.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: nolicence\nVersion: 1.2\n")
    (info / "RECORD").write_text("nolicence/__init__.py,,\nnolicence-1.2.dist-info/METADATA,,\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(notices.MissingLicence, match=r"no licence text found for: nolicence 1\.2"):
        notices.collect([str(pkg / "__init__.py")])
    (info / "LICENSE").write_text("Do what you like.")
    (info / "RECORD").write_text("nolicence/__init__.py,,\nnolicence-1.2.dist-info/LICENSE,,\n")
    pieces = notices.collect([str(pkg / "__init__.py")])
    assert ("LICENSE", "Do what you like.") in next(p for p in pieces
                                                     if p.name == "nolicence").texts


def test_system_libraries_get_their_debian_copyright():
    if not Path("/usr/share/doc/libssl3/copyright").exists():
        pytest.skip("not a Debian system with libssl3")
    lib = next(Path("/usr/lib/x86_64-linux-gnu").glob("libssl.so.3*"))
    [piece] = notices.system_pieces([str(lib)])
    assert piece.name == "libssl3" and piece.version
    assert "OpenSSL" in piece.texts[0][1] and "libssl.so.3" in piece.note
    [unknown] = notices.system_pieces(["/nonexistent/libnothing.so.1"])
    assert unknown.texts == []  # collect() would stop the build on it


def test_the_deb_copyright_file_is_dep5(text):
    sqlalchemy = metadata.distribution("SQLAlchemy")
    module = str(sqlalchemy.locate_file("sqlalchemy/__init__.py"))
    compiled = next(str(sqlalchemy.locate_file(f)) for f in sqlalchemy.files
                    if f.name.endswith(".so"))
    pieces = notices.collect([module], [compiled])
    places = notices.bundle_places(pieces, [("sqlalchemy/cyextension/x.so", compiled, "BINARY")],
                                   [], prefix="opt/quire/_internal/")
    assert set(places["SQLAlchemy"]) == {"opt/quire/_internal/sqlalchemy/*",
                                         f"opt/quire/_internal/{pieces[1].dist_info}/*"}
    dep5 = notices.render_dep5(pieces, places)
    paragraphs = dep5.strip().split("\n\n")
    assert paragraphs[0].startswith("Format: https://www.debian.org/doc/packaging-manuals/"
                                    "copyright-format/1.0/")
    fields_seen = []
    for para in paragraphs[1:]:
        fields = {}
        for line in para.splitlines():
            assert line.strip(), "no blank line inside a paragraph"
            if not line.startswith(" "):
                key, _, value = line.partition(":")
                assert re.fullmatch(r"[A-Za-z-]+", key), line
                fields[key] = value.strip()
        assert {"Files", "Copyright", "License"} <= set(fields), para[:200]
        fields_seen.append(fields)
    by_files = {f["Files"]: f for f in fields_seen}
    assert by_files[" ".join(places["SQLAlchemy"])]["License"] == "MIT"
    assert by_files["*"]["License"] == "GPL-3.0-or-later"
    licences = {f["License"] for f in fields_seen}
    assert {"OFL-1.1", "Bitstream-Vera", "CC-BY-SA-3.0", "PSF-2.0"} <= licences


def test_libraries_vendored_in_wheels_are_covered():
    """numpy's own licence names OpenBLAS and the GCC runtime it vendors; psycopg's wheel
    vendors OpenSSL and libpq, whose licences come from Debian's packages of them."""
    libs = [str(p) for dist in ("numpy", "psycopg-binary")
            for f in metadata.distribution(dist).files or ()
            if ".libs/" in str(f) and (p := metadata.distribution(dist).locate_file(f))]
    assert any("openblas" in lib for lib in libs) and any("libssl" in lib for lib in libs)
    pieces = notices.vendored_pieces(notices.owners(libs))
    assert all(p.texts for p in pieces), [p.name for p in pieces if not p.texts]
    names = {p.name for p in pieces}
    assert not any("openblas" in n for n in names)  # numpy's LICENSE.txt covers it
    if Path("/usr/share/doc/libssl3/copyright").exists():
        ssl = next(p for p in pieces if p.name == "libssl3")
        assert "OpenSSL" in ssl.texts[0][1] and "psycopg_binary.libs/libssl" in ssl.note
