"""Web addresses shown decoded, printed breakable, and live in the PDF."""

from __future__ import annotations

from pypdf import PdfReader

from db.citations.urls import ZWSP, as_uri, breakable, links_in, readable
from tests.db.export.support import render

ASSABAH = ("http://www.assabah.com.tn/article/164913/%D8%A7%D9%84%D9%86%D8%A7%D8%B4%D8%B7-"
           "%D8%A7%D9%84%D8%AD%D9%82%D9%88%D9%82%D9%8A")


def test_addresses_are_shown_decoded_and_given_back_encoded():
    shown = readable(ASSABAH)
    assert shown == "http://www.assabah.com.tn/article/164913/الناشط-الحقوقي"
    assert as_uri(shown) == ASSABAH
    assert readable("https://x.org/a%20b%2Fc?q=%3D") == "https://x.org/a%20b%2Fc?q=%3D"
    assert readable("https://x.org/%E2%80%AEevil") == "https://x.org/%E2%80%AEevil"  # bidi
    assert readable("https://x.org/%FF%FE") == "https://x.org/%FF%FE"  # not UTF-8
    assert readable("https://xn--mgbh0fb.example/") == "https://مثال.example/"


def test_addresses_break_where_the_chicago_manual_allows():
    points = breakable("https://www.nytimes.com/2017/03/08/a-b.html?x=1&y=2").split(ZWSP)
    assert points == ["https://", "www", ".nytimes", ".com", "/2017", "/03", "/08", "/a",
                      "-b", ".html", "?x", "=", "1", "&", "y", "=", "2"]
    text = f"See {breakable(readable(ASSABAH))}."
    assert links_in(text) == [(4, len(text) - 1, ASSABAH)]


def test_the_pdf_prints_the_readable_address_as_a_live_link(tmp_path):
    from db import project
    from db.export.pdf import PdfOptions, export_pdf
    from db.export.selection import Selection
    from db.models import Source
    from db.ops.citations import cite
    from db.ops.coders import ensure_coder
    from db.ops.coding import code_span
    from db.text import text_hash

    text = "ما زلنا لا نعرف من الفصول غير الصيف والشتاء. " * 3
    with project.create(tmp_path / "u.quire", name="u") as proj:
        with proj.session() as s:
            src = Source(kind="article", title="الناشط الحقوقي", site_name="Assabah News",
                         url=ASSABAH, text=text, length=len(text), text_hash=text_hash(text))
            s.add(src)
            s.flush()
            coder = ensure_coder(s, name="Dana").value
            eid = code_span(s, source_id=src.id, start=0, end=20, color="#ffd54f",
                            coder_id=coder).value
            cite(s, excerpt_id=eid, coder_id=coder)
            s.commit()
        with proj.sessions() as s:
            result = export_pdf(s, Selection(), tmp_path / "u.pdf", PdfOptions())
    reader = PdfReader(str(result.path))
    targets = [a.get_object()["/A"]["/URI"] for page in reader.pages
               for a in page.get("/Annots", []) if "/A" in a.get_object()]
    assert ASSABAH in targets and len(targets) >= 2  # the note and the bibliography
    body = " ".join(p.extract_text() for p in reader.pages)
    assert "%D8" not in body and "assabah.com.tn/article/164913/" in body.replace(ZWSP, "")
    render(result.path, len(reader.pages), "export_readable_url", dpi=130)
