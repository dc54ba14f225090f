"""Footnotes and bibliography entries in Chicago, APA and MLA, against the guides' examples.

The examples are those the style guides print for a tweet, a news article and a magazine
article (Chicago Manual of Style 17th/18th ed. 14.191, 14.187, 14.209; APA Style 7th ed.
reference examples; MLA Handbook 9th ed.). Where Quire's data cannot carry a detail a
guide shows (a tweet's time of day), the test says so.
"""

import warnings

import pytest

from db.citations.errors import CitationStyleError
from db.citations.format import (
    STYLES,
    format_bibliography,
    format_citation,
    format_entry,
    parse_locator,
)
from db.resources import resource

NYT_URL = ("https://www.nytimes.com/2017/03/08/technology/"
           "snap-makes-a-bet-on-the-cultural-supremacy-of-the-camera.html")
NEWS = {"type": "article-newspaper", "author": [{"family": "Manjoo", "given": "Farhad"}],
        "title": "Snap Makes a Bet on the Cultural Supremacy of the Camera",
        "container-title": "New York Times", "issued": {"date-parts": [[2017, 3, 8]]},
        "URL": NYT_URL}
MAGAZINE = {"type": "article-magazine", "author": [{"family": "Mead", "given": "Rebecca"}],
            "title": "The Prophet of Dystopia", "container-title": "New Yorker",
            "issued": {"date-parts": [[2017, 4, 17]]}}
CONAN_URL = "https://twitter.com/ConanOBrien/status/590940792967016448"
TWEET = {"type": "post", "author": [{"literal": "Conan O’Brien (@ConanOBrien)"}],
         "title": "In honor of Earth Day, I’m recycling my tweets",
         "container-title": "Twitter", "issued": {"date-parts": [[2015, 4, 22]]},
         "URL": CONAN_URL}
HANDLE_TWEET = dict(TWEET, author=[{"literal": "@ConanOBrien"}])
UNSIGNED = {"type": "article-newspaper", "title": "Raqqa Falls",
            "container-title": "The New York Times", "issued": {"date-parts": [[2017, 10, 17]]},
            "URL": "https://www.nytimes.com/raqqa.html"}
ARABIC = {"type": "article-newspaper", "author": [{"literal": "محمد الشريف"}],
          "title": "عاد السكان إلى المدينة", "container-title": "الجزيرة",
          "issued": {"date-parts": [[2018, 1, 2]]}}


# --- Chicago (notes and bibliography) --------------------------------------------------------

def test_chicago_news_article_note_and_bibliography():
    assert format_citation(NEWS) == (
        "Farhad Manjoo, “Snap Makes a Bet on the Cultural Supremacy of the Camera,” "
        f"New York Times, March 8, 2017, {NYT_URL}.")
    assert format_entry(NEWS) == (
        "Manjoo, Farhad. “Snap Makes a Bet on the Cultural Supremacy of the Camera.” "
        f"New York Times, March 8, 2017. {NYT_URL}.")


def test_chicago_magazine_article_note_with_page_and_bibliography():
    assert format_citation(MAGAZINE, locator="43") == (
        "Rebecca Mead, “The Prophet of Dystopia,” New Yorker, April 17, 2017, 43.")
    assert format_entry(MAGAZINE) == (
        "Mead, Rebecca. “The Prophet of Dystopia.” New Yorker, April 17, 2017.")


def test_chicago_tweet_note_and_bibliography_entry():
    # The guide adds the time of day ("11:10 a.m.") after the date; CSL dates have none.
    assert format_citation(TWEET) == (
        "Conan O’Brien (@ConanOBrien), “In honor of Earth Day, I’m recycling my tweets,” "
        f"Twitter, April 22, 2015, {CONAN_URL}.")
    assert format_citation(HANDLE_TWEET).startswith("@ConanOBrien, “In honor of Earth Day")
    # Chicago 18 leaves posts out of the bibliography; Quire lists every cited work, in
    # the form Chicago 17 (14.209) gave: "O’Brien, Conan (@ConanOBrien). “In honor of
    # Earth Day, I’m recycling my tweets.” Twitter, April 22, 2015, 11:10 a.m. URL."
    assert format_entry(TWEET) == (
        "Conan O’Brien (@ConanOBrien). “In honor of Earth Day, I’m recycling my tweets.” "
        f"Twitter, April 22, 2015. {CONAN_URL}.")


def test_chicago_unsigned_article_prints_the_title_and_paper_once_and_no_edition():
    assert format_citation(UNSIGNED, locator="3") == (
        "“Raqqa Falls,” The New York Times, October 17, 2017, 3, "
        "https://www.nytimes.com/raqqa.html.")
    assert format_entry(UNSIGNED) == ("The New York Times. “Raqqa Falls.” October 17, 2017. "
                                      "https://www.nytimes.com/raqqa.html.")


def test_chicago_html_italicises_the_newspaper():
    assert "<i>New York Times</i>" in format_citation(NEWS, html_output=True)


# --- APA 7 -----------------------------------------------------------------------------------

def test_apa_news_and_magazine_articles():
    carey = {"type": "article-newspaper", "author": [{"family": "Carey", "given": "Benedict"}],
             "title": "Can we get better at forgetting?", "container-title": "The New York Times",
             "issued": {"date-parts": [[2019, 3, 22]]},
             "URL": "https://www.nytimes.com/2019/03/22/health/memory-forgetting-psychology.html"}
    assert format_entry(carey, style="apa") == (
        "Carey, B. (2019, March 22). Can we get better at forgetting? The New York Times. "
        "https://www.nytimes.com/2019/03/22/health/memory-forgetting-psychology.html")
    bergner = {"type": "article-magazine", "author": [{"family": "Bergner", "given": "Daniel"}],
               "title": "The struggles of rejecting the gender binary",
               "container-title": "The New York Times Magazine",
               "issued": {"date-parts": [[2019, 6, 4]]},
               "URL": "https://www.nytimes.com/2019/06/04/magazine/gender-nonbinary.html"}
    assert format_entry(bergner, style="apa", html_output=True) == (
        "Bergner, D. (2019, June 4). The struggles of rejecting the gender binary. "
        "<i>The New York Times Magazine</i>. "
        "https://www.nytimes.com/2019/06/04/magazine/gender-nonbinary.html")
    assert format_citation(carey, style="apa") == "(Carey, 2019)"
    assert format_citation(bergner, style="apa", locator="12") == "(Bergner, 2019, p. 12)"


def test_apa_tweet_is_described_as_a_tweet():
    nat_geo = dict(HANDLE_TWEET, author=[{"literal": "National Geographic [@NatGeo]"}])
    assert format_entry(nat_geo, style="apa") == (
        "National Geographic [@NatGeo]. (2015, April 22). In honor of Earth Day, I’m "
        f"recycling my tweets [Tweet]. Twitter. {CONAN_URL}")
    telegram = dict(HANDLE_TWEET, **{"container-title": "Telegram"})
    assert "[Online post]. Telegram." in format_entry(telegram, style="apa")
    assert format_citation(HANDLE_TWEET, style="apa") == "(@ConanOBrien, 2015)"


# --- MLA 9 -----------------------------------------------------------------------------------

def test_mla_works_cited_entries():
    assert format_entry(dict(MAGAZINE, page="43-47"), style="mla") == (
        "Mead, Rebecca. “The Prophet of Dystopia.” New Yorker, 17 Apr. 2017, pp. 43–47.")
    assert format_entry(NEWS, style="mla") == (
        "Manjoo, Farhad. “Snap Makes a Bet on the Cultural Supremacy of the Camera.” "
        f"New York Times, 8 Mar. 2017, {NYT_URL}.")
    # The guide adds the time of day after the date; CSL dates have none.
    assert format_entry(HANDLE_TWEET, style="mla") == (
        "@ConanOBrien. “In honor of Earth Day, I’m recycling my tweets.” Twitter, "
        f"22 Apr. 2015, {CONAN_URL}.")
    assert format_entry(UNSIGNED, style="mla") == (
        "“Raqqa Falls.” The New York Times, 17 Oct. 2017, https://www.nytimes.com/raqqa.html.")


def test_mla_in_text_citations_are_author_and_page_only():
    assert format_citation(MAGAZINE, style="mla", locator="43") == "(Mead 43)"
    assert format_citation(NEWS, style="mla") == "(Manjoo)"
    assert format_citation(HANDLE_TWEET, style="mla") == "(@ConanOBrien)"
    assert format_citation(UNSIGNED, style="mla", locator="3") == "(“Raqqa Falls” 3)"


# --- across styles ---------------------------------------------------------------------------

@pytest.mark.parametrize("style", list(STYLES))
@pytest.mark.parametrize("html_output", [False, True])
def test_arabic_titles_and_authors_survive_unchanged(style, html_output):
    entry = format_entry(ARABIC, style=style, html_output=html_output)
    note = format_citation(ARABIC, style=style, html_output=html_output)
    assert "عاد السكان إلى المدينة" in entry and "محمد الشريف" in entry
    assert "محمد الشريف" in note
    named = dict(ARABIC, author=[{"family": "الشريف", "given": "محمد"}])
    text = format_citation(named, style=style) + format_entry(named, style=style)
    assert "الشريف" in text and "محمد" in text and "." + " محمد" not in text


def test_given_names_are_spelt_out_where_the_style_says_so():
    assert format_citation(MAGAZINE).startswith("Rebecca Mead")
    assert format_entry(MAGAZINE, style="mla").startswith("Mead, Rebecca.")
    assert format_entry(MAGAZINE, style="apa").startswith("Mead, R.")


def test_unknown_fields_are_ignored_without_complaint():
    item = dict(NEWS, custom={"bibtex": "x"}, **{"x-archive": "kept", "author": [
        {"family": "Manjoo", "given": "Farhad", "sequence": "first"}]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert format_citation(item) == format_citation(NEWS)


def test_locators():
    assert parse_locator("p. 12") == ("page", "12")
    assert parse_locator("pp. 12–14") == ("page", "12–14")
    assert parse_locator("¶ 4") == ("paragraph", "4")
    assert parse_locator("para. 4") == ("paragraph", "4")
    assert parse_locator("post 3") == ("post", "3")
    assert parse_locator("12") == ("page", "12")
    assert parse_locator("") == ("", "")
    assert format_citation(MAGAZINE, locator="4", locator_label="paragraph").endswith(
        "April 17, 2017, para. 4.")
    assert format_citation(HANDLE_TWEET, style="apa", locator="3", locator_label="post") == \
        "(@ConanOBrien, 2015, post 3)"


def test_bibliography_is_sorted_and_lists_even_what_the_style_would_omit():
    document = {"type": "document", "title": "Notes from Raqqa"}  # Chicago 18 omits these
    entries = format_bibliography([NEWS, TWEET, MAGAZINE, document], style="chicago")
    assert [e.split(",")[0].split(" (")[0] for e in entries] == [
        "Conan O’Brien", "Manjoo", "Mead", "“Notes from Raqqa.” n.d."]
    assert len(format_bibliography([NEWS, TWEET, MAGAZINE], style="apa")) == 3
    assert format_bibliography([], style="mla") == []


def test_unknown_style_and_shipped_files():
    with pytest.raises(CitationStyleError, match="chicago, apa, mla"):
        format_citation(NEWS, style="harvard")
    for style in STYLES.values():
        text = resource("csl", style.file).read_text(encoding="utf-8")
        assert "creativecommons.org/licenses/by-sa/3.0" in text
    assert resource("csl", "locales-en-US.xml").is_file()
    assert "Attribution-ShareAlike" in resource("csl", "README.md").read_text(encoding="utf-8")
