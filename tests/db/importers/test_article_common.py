"""What every article importer promises: clear refusals, canonical text, one article."""

from __future__ import annotations

import pytest

from db.errors import ImportFileError
from db.importers import docx, html, markdown, odt, pdf, plaintext
from db.importers.base import ARTICLE, ReadOptions

ALL = [plaintext.IMPORTER, markdown.IMPORTER, html.IMPORTER, docx.IMPORTER, odt.IMPORTER,
       pdf.IMPORTER]
SUFFIX = {"text": ".txt", "markdown": ".md", "html": ".html", "docx": ".docx", "odt": ".odt",
          "pdf": ".pdf"}


def path_for(tmp_path, importer):
    return tmp_path / f"file{SUFFIX[importer.name]}"


@pytest.mark.parametrize("importer", ALL, ids=lambda i: i.name)
def test_protocol_attributes(importer):
    assert importer.kind == ARTICLE
    assert importer.name and importer.label


@pytest.mark.parametrize("importer", ALL, ids=lambda i: i.name)
def test_empty_file(tmp_path, importer):
    path = path_for(tmp_path, importer)
    path.write_bytes(b"")
    with pytest.raises(ImportFileError, match="empty"):
        importer.read(path, ReadOptions())


@pytest.mark.parametrize("importer", ALL, ids=lambda i: i.name)
def test_huge_file_is_refused_without_reading_it(tmp_path, importer):
    path = path_for(tmp_path, importer)
    with open(path, "wb") as fh:
        fh.truncate(600 * 2**20)  # sparse: no disk used, and nothing should read it
    with pytest.raises(ImportFileError, match="too large"):
        importer.read(path, ReadOptions())


@pytest.mark.parametrize("importer", ALL, ids=lambda i: i.name)
def test_binary_junk(tmp_path, importer):
    path = path_for(tmp_path, importer)
    path.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(ImportFileError) as err:
        importer.read(path, ReadOptions())
    assert any(word in err.value.reason for word in ("binary", "not a valid zip", "not a PDF"))


@pytest.mark.parametrize("importer", ALL, ids=lambda i: i.name)
def test_sniff_is_zero_for_foreign_bytes(tmp_path, importer):
    """A file with another format's extension and signature is not claimed."""
    foreign = {"pdf": (tmp_path / "a.docx", b"PK\x03\x04word/document.xml")}
    path, head = foreign.get(importer.name, (tmp_path / "a.pdf", b"%PDF-1.7\n"))
    assert importer.sniff(path, head) == 0.0
