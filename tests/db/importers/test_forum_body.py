"""A post body as text: blocks, line breaks, preformatted text, nested quotes, noise."""

from lxml import html

from db.importers.forums.body import post_text
from db.importers.forums.xenforo import ENGINE as XENFORO


def _body(markup: str):
    return html.fragment_fromstring(f'<div class="bbWrapper">{markup}</div>')


def test_nested_quotes_are_both_marked_and_the_text_is_exact():
    body = _body(
        '<blockquote class="bbCodeBlock bbCodeBlock--quote" data-quote="Alice" '
        'data-source="post: 7"><div class="bbCodeBlock-title">Alice said:</div>'
        '<div class="bbCodeBlock-content">Outer  words<br>'
        '<blockquote class="bbCodeBlock bbCodeBlock--quote" data-quote="Bob">'
        '<div class="bbCodeBlock-content">inner cafe\u0301</div></blockquote>'
        'after inner</div></blockquote>Reply <b>bold</b><script>x()</script>'
        '<img alt="smile"><pre>  code\n    kept</pre>')
    text, quotes = post_text(body, XENFORO)
    assert text == "Outer words\n\ninner café\n\nafter inner\n\nReply bold\n\n  code\n    kept"
    outer, inner = quotes
    assert (outer.author, outer.post) == ("Alice", "7") and inner.author == "Bob"
    assert text[outer.start:outer.end] == "Outer words\n\ninner café\n\nafter inner"
    assert text[inner.start:inner.end] == "inner café"


def test_an_empty_quote_leaves_no_span_and_noise_no_text():
    body = _body('<blockquote class="bbCodeBlock--quote" data-quote="A"><div '
                 'class="bbCodeBlock-expandLink">Click to expand...</div></blockquote>Hi')
    assert post_text(body, XENFORO) == ("Hi", [])
