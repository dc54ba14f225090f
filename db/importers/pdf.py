"""PDF articles with a text layer: the pages' text, metadata, the plain-text notes list.

Only the text layer is read (pypdf); a scan without one is refused with a pointer to OCR.
Pages are joined with blank lines. Words hyphenated across a line end are joined only
when the document itself shows which spelling is right (see :func:`dehyphenate`).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

from db.errors import ImportFileError
from db.importers.articles import (
    aware,
    by_extension,
    guess_title,
    is_pdf,
    language_tag,
    single_article,
)
from db.importers.base import ARTICLE, FileRead, ReadOptions
from db.importers.footnotes import split_notes
from db.importers.safety import check_size
from db.text import canonical

_HYPHENATED = re.compile(r"(\w*[a-z])-\n([a-z]\w*)")
# Producer names that PDF writers put in the title field instead of a title.
_NOT_A_TITLE = re.compile(r"^(microsoft word - |untitled)|\.(docx?|pdf|tex|odt|rtf|indd)$",
                          re.I)
# Arabic presentation forms: some PDF text layers give shaped glyphs, not letters.
_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]+")
_NO_TEXT = ("this PDF has no text layer (it is probably a scanned image); run it through "
            "OCR (for example OCRmyPDF) and import the result")


class PdfImporter:
    """One article per PDF file."""

    name = "pdf"
    label = "PDF article"
    kind = ARTICLE

    def sniff(self, path: Path, head: bytes) -> float:
        """Certain on the %PDF signature, whatever the file is called."""
        return 1.0 if is_pdf(head) else by_extension(path, (".pdf",), 0.3)

    def read(self, path: Path, options: ReadOptions) -> FileRead:
        """Read the text of every page as one article."""
        check_size(path)
        with open(path, "rb") as fh:
            if not is_pdf(fh.read(1024)):
                raise ImportFileError(path, "this is not a PDF file (no PDF signature)")
        reader = _open(path)
        text = _pdf_text(path, reader)
        body, notes = split_notes(text)
        meta = _metadata(reader)
        meta["title"] = meta.get("title") or guess_title(body, path)
        return single_article(path, body, notes, **meta)


def _open(path: Path) -> PdfReader:
    """Open the PDF, decrypting it when it only restricts permissions."""
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ImportFileError(path, "this PDF is protected by a password; open it in a "
                                        "PDF reader, save an unprotected copy, import that")
        return reader
    except DependencyError as exc:
        raise ImportFileError(path, f"this PDF is encrypted in a way Quire cannot open "
                                    f"({exc})") from exc
    except (PdfReadError, FileNotDecryptedError) as exc:
        raise ImportFileError(path, f"the PDF is damaged or incomplete ({exc})") from exc
    except ImportFileError:
        raise
    except Exception as exc:  # pypdf raises many kinds of errors on malformed files
        raise ImportFileError(path, f"the PDF is damaged ({type(exc).__name__}: {exc})") \
            from exc


def _pdf_text(path: Path, reader: PdfReader) -> str:
    """The text of all pages, canonical, pages separated by a blank line."""
    pages = []
    try:
        for page in reader.pages:
            pages.append(_page_text(page))
    except DependencyError as exc:
        raise ImportFileError(path, f"this PDF is encrypted in a way Quire cannot open "
                                    f"({exc})") from exc
    except Exception as exc:  # see _open: a broken page is a broken file
        raise ImportFileError(path, f"the PDF is damaged (page {len(pages) + 1} cannot be "
                                    f"read: {type(exc).__name__})") from exc
    text = "\n\n".join(p for p in pages if p)
    if not text.strip():
        raise ImportFileError(path, _NO_TEXT)
    return dehyphenate(text)


def _page_text(page) -> str:
    text = canonical(page.extract_text() or "")
    text = _PRESENTATION_FORMS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def dehyphenate(text: str) -> str:
    """Join "exam-\\nple" into "example" when that word occurs unbroken elsewhere.

    A hyphen at a line end is either a typesetting break or a real hyphen ("well-\\nknown");
    the text itself decides: the unbroken word elsewhere means a break, the hyphenated
    form elsewhere means a real hyphen; either way the word is rejoined on one line.
    Otherwise nothing changes.
    """
    words = set(re.findall(r"\w+(?:-\w+)*", text))

    def join(m: re.Match) -> str:
        whole, hyphenated = m[1] + m[2], f"{m[1]}-{m[2]}"
        if whole in words:
            return whole
        if hyphenated in words:
            return hyphenated
        return m[0]

    return _HYPHENATED.sub(join, text)


def _metadata(reader: PdfReader) -> dict:
    """Title, author, creation date and language from the document information."""
    try:
        info = reader.metadata
        meta = {"title": (info.title or "").strip() if info else "",
                "author": (info.author or "").strip() if info else "",
                "published": aware(info.creation_date) if info else None,
                "language": language_tag(str(reader.root_object.get("/Lang", "")))}
    except Exception:  # broken metadata is not a reason to refuse the text
        return {}
    if _NOT_A_TITLE.search(meta["title"]):
        meta["title"] = ""
    return meta


IMPORTER = PdfImporter()
