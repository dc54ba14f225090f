"""Saved web pages: main text without clutter, metadata, footnotes, no network, bad files."""

from __future__ import annotations

import datetime as dt
import socket

import pytest

from db import importers
from db.errors import ImportFileError
from db.importers.base import ReadOptions
from db.importers.html import IMPORTER
from db.text import is_canonical

PARAGRAPHS = [
    "The river port of Raqqa handled more grain in the spring than in any year since the "
    "war began, according to traders interviewed at the quay this week.",
    "Merchants said the roads to the north had reopened and that prices for flour fell "
    "by a third, although fuel remains scarce and expensive for most families.",
    "Local officials expect the harvest to be the largest in a decade if the rains hold, "
    "but farmers warn that irrigation canals still need urgent repair before summer.",
]

NEWS = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>Grain returns to the Euphrates | The Levant Ledger</title>
<meta property="og:site_name" content="The Levant Ledger">
<meta name="author" content="Maya Karam">
<meta property="article:published_time" content="2024-03-05T10:20:00+02:00">
<link rel="canonical" href="https://ledger.example/2024/03/grain">
<link rel="stylesheet" href="https://cdn.example/site.css">
<script src="https://ads.example/tracker.js"></script>
<script>document.write("INJECTED SCRIPT TEXT")</script>
<style>body {{ color: red }}</style>
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/sport">Sport</a></li></ul></nav>
<div class="advert">Subscribe now for only $1 a week! Limited offer!</div>
<article><h1>Grain returns to the Euphrates</h1>
<p class="byline">By Maya Karam</p>
<p>{}</p><p>{}</p><p>{}</p>
<img src="https://images.example/quay.jpg" alt="the quay">
<iframe src="https://video.example/embed/1"></iframe>
</article>
<footer><p>© 2024 The Levant Ledger. All rights reserved.</p>
<ul><li><a href="/privacy">Privacy</a></li><li><a href="/terms">Terms</a></li></ul></footer>
</body></html>""".format(*PARAGRAPHS)


def write(tmp_path, text, name="page.html", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
    return path


def read(path):
    result = IMPORTER.read(path, ReadOptions())
    drafts = list(result.drafts)
    assert len(drafts) == 1
    return drafts[0], result


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test on any attempt to open a connection."""
    def refuse(*args, **kwargs):
        raise AssertionError("the importer tried to use the network")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_news_page_main_text_and_metadata(tmp_path, no_network):
    draft, _ = read(write(tmp_path, NEWS))
    assert "\n\n".join(PARAGRAPHS) in draft.text
    for clutter in ("Subscribe now", "Privacy", "Sport", "INJECTED", "color: red", "rights"):
        assert clutter not in draft.text
    assert draft.title == "Grain returns to the Euphrates"
    assert draft.author == "Maya Karam"
    assert draft.published == dt.datetime(2024, 3, 5, 8, 20, tzinfo=dt.UTC)
    assert draft.published.utcoffset() == dt.timedelta(hours=2)
    assert draft.site_name == "The Levant Ledger"
    assert draft.url == "https://ledger.example/2024/03/grain"
    assert draft.language == "en-GB"
    assert is_canonical(draft.text)


PANDOC = """<!DOCTYPE html><html><head><title>Dams</title></head><body><main>
<p>{}<a href="#fn1" class="footnote-ref" id="fnref1" role="doc-noteref"><sup>1</sup></a>
and more words follow here in the same paragraph to make it long enough.</p>
<p>{}<a href="#fn2" class="footnote-ref" id="fnref2" role="doc-noteref"><sup>2</sup></a></p>
<p>{}</p>
<section id="footnotes" class="footnotes footnotes-end-of-document" role="doc-endnotes">
<hr><h2>Notes</h2><ol>
<li id="fn1"><p>Ministry of Irrigation, annual report, 1974.<a href="#fnref1"
 class="footnote-back" role="doc-backlink">↩︎</a></p></li>
<li id="fn2"><p>Interview with a trader, Raqqa.<a href="#fnref2" class="footnote-back"
 role="doc-backlink">↩︎</a></p></li></ol></section></main></body></html>
""".format(*PARAGRAPHS)


def test_pandoc_footnotes(tmp_path):
    draft, result = read(write(tmp_path, PANDOC))
    assert [(fn.label, fn.text) for fn in draft.footnotes] == [
        ("1", "Ministry of Irrigation, annual report, 1974."),
        ("2", "Interview with a trader, Raqqa.")]
    for fn in draft.footnotes:
        assert draft.text[fn.offset:fn.end] == f"[{fn.label}]"
    assert draft.text[draft.footnotes[0].offset - 10:draft.footnotes[0].offset] == \
        PARAGRAPHS[0][-10:]
    assert "Ministry" not in draft.text and "Notes" not in draft.text and "↩" not in draft.text
    assert result.warnings == []


WIKI = """<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="windows-1256"><title>سد الطبقة - ويكيبيديا</title>
</head><body><div id="mw-navigation"><ul><li><a href="/">الصفحة الرئيسية</a></li></ul></div>
<div class="mw-parser-output">
<p>سد الطبقة هو سد على نهر الفرات في شمال سوريا، وقد اكتمل بناؤه في عام 1973 بمساعدة
من الاتحاد السوفييتي<sup id="cite_ref-1" class="reference"><a href="#cite_note-1">[1]</a></sup>
ويعد من أكبر السدود في المنطقة.</p>
<p>تشكلت خلف السد بحيرة الأسد التي تزود مدينة حلب بمياه الشرب، وتستخدم أيضا للري وصيد
الأسماك<sup id="cite_ref-2" class="reference"><a href="#cite_note-2">[2]</a></sup> كما ذكر
سابقا<sup class="reference"><a href="#cite_note-1">[1]</a></sup>، وهي مهمة للاقتصاد المحلي.</p>
<div class="mw-heading mw-heading2"><h2 id="المراجع">المراجع</h2></div>
<div class="reflist"><ol class="references">
<li id="cite_note-1"><span class="mw-cite-backlink"><a href="#cite_ref-1">^</a></span>
<span class="reference-text">وزارة الري السورية، 1974.</span></li>
<li id="cite_note-2"><span class="mw-cite-backlink"><a href="#cite_ref-2">^</a></span>
<span class="reference-text">Reuters, 4 May 2021.</span></li></ol></div>
</div></body></html>"""


def test_wikipedia_footnotes_in_arabic_windows_1256_page(tmp_path):
    draft, _ = read(write(tmp_path, WIKI, encoding="cp1256"))
    assert draft.language == "ar"
    assert "سد الطبقة هو سد على نهر الفرات" in draft.text
    assert [(fn.label, fn.text) for fn in draft.footnotes] == [
        ("1", "وزارة الري السورية، 1974."), ("2", "Reuters, 4 May 2021.")]
    for fn in draft.footnotes:
        assert draft.text[fn.offset:fn.end] == f"[{fn.label}]"
    assert draft.text.count("[1]") == 2  # the repeated reference stays visible
    assert "وزارة" not in draft.text and "المراجع" not in draft.text and "^" not in draft.text


def test_offsets_after_emoji_and_crlf(tmp_path):
    page = ("<html><body><article><p>المراسل 😀 قال\r\nإن 🎉 السد ممتلئ تماما هذا العام وإن "
            "المزارعين سعداء بالمحصول الوفير<sup><a href=\"#fn1\">1</a></sup> كما قالوا.</p>"
            "<p>فقرة ثانية طويلة بما يكفي حتى لا يتجاهلها المستخرج عند قراءة الصفحة.</p>"
            "</article><div class=\"footnotes\"><ol><li id=\"fn1\">مصدر محلي.</li></ol></div>"
            "</body></html>")
    draft, _ = read(write(tmp_path, page))
    assert is_canonical(draft.text) and "\r" not in draft.text
    [fn] = draft.footnotes
    assert draft.text[fn.offset:fn.end] == "[1]"
    assert "😀" in draft.text[:fn.offset] and "🎉" in draft.text[:fn.offset]
    assert fn.text == "مصدر محلي."
    assert "مصدر محلي" not in draft.text


def test_external_entities_are_not_resolved(tmp_path):
    page = ('<?xml version="1.0" encoding="utf-8"?><!DOCTYPE html [<!ENTITY x SYSTEM '
            '"file:///etc/passwd">]><html><body><article><p>Before &x; after. ' +
            PARAGRAPHS[0] + "</p><p>" + PARAGRAPHS[1] + "</p></article></body></html>")
    draft, _ = read(write(tmp_path, page))
    assert "root:" not in draft.text
    assert PARAGRAPHS[0] in draft.text


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"),
    (bytes(range(256)) * 40, "binary"),
    (b"<html><head><title>x</title></head><body></body></html>", "no readable text"),
])
def test_bad_pages(tmp_path, data, reason):
    with pytest.raises(ImportFileError, match=reason):
        read(write(tmp_path, data))


def test_sniff_and_detect(tmp_path):
    path = write(tmp_path, NEWS, name="saved-page")  # no extension: the bytes decide
    assert importers.detect(path) is IMPORTER
    assert IMPORTER.sniff(tmp_path / "x.htm", b"") >= 0.8
    assert IMPORTER.sniff(tmp_path / "x.html", b"%PDF-1.7 <html>") == 0.0


def test_dates_in_the_text_are_not_taken_for_the_publication_date(tmp_path):
    draft, _ = read(write(tmp_path, WIKI, encoding="cp1256"))
    assert draft.published is None  # "4 May 2021" is a cited source's date


def test_date_from_json_ld_and_author_from_json_ld(tmp_path):
    page = NEWS.replace('<meta name="author" content="Maya Karam">', "").replace(
        '<meta property="article:published_time" content="2024-03-05T10:20:00+02:00">',
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": '
        '"2023-11-02T08:15:00+03:00", "author": [{"@type": "Person", "name": "Sara Ali"}]}'
        "</script>").replace('<p class="byline">By Maya Karam</p>', "")
    draft, _ = read(write(tmp_path, page))
    assert draft.published == dt.datetime(2023, 11, 2, 5, 15, tzinfo=dt.UTC)
    assert draft.author == "Sara Ali"


def test_short_page_is_read_block_by_block(tmp_path):
    page = ("<html><head><script>var secret = 'SCRIPT';</script></head><body><nav>Menu</nav>"
            "<h1>Brief</h1><p>One short line with a note<sup><a href='#n1'>1</a></sup>.</p>"
            "<ul><li>first</li><li>second</li></ul>"
            "<ol class='notes'><li id='n1'>The note.</li></ol></body></html>")
    draft, _ = read(write(tmp_path, page))
    assert draft.text == "Brief\n\nOne short line with a note[1].\n\nfirst\n\nsecond"
    assert [(fn.label, fn.text) for fn in draft.footnotes] == [("1", "The note.")]


def test_note_whose_reference_is_outside_the_main_text_is_reported(tmp_path):
    page = NEWS.replace("<li><a href=\"/sport\">Sport</a></li>",
                        '<li>Sport<sup><a href="#fn9">9</a></sup></li>').replace(
        "</article>", '</article><div class="footnotes"><p id="fn9">Menu note.</p></div>')
    draft, result = read(write(tmp_path, page))
    assert draft.footnotes == []
    assert result.warnings == ["note 9 was left out: its reference is not in the main text"]


def test_old_style_named_anchor_notes(tmp_path):
    page = ("<html><body><div id='content'>"
            f"<p>{PARAGRAPHS[0]}<a name='ref1' href='#fn1'>[1]</a></p><p>{PARAGRAPHS[1]}</p>"
            f"<p>{PARAGRAPHS[2]}</p><hr><p><a name='fn1' href='#ref1'>1</a> Annual report, "
            "1974.</p></div></body></html>")
    draft, _ = read(write(tmp_path, page))
    [fn] = draft.footnotes
    assert (fn.label, fn.text) == ("1", "Annual report, 1974.")
    assert draft.text[fn.offset:fn.end] == "[1]"
    assert draft.text[:fn.offset].endswith(PARAGRAPHS[0])
    assert "Annual report" not in draft.text
