"""A document's notes as one sequence, against the Chicago Manual's own examples.

The books are the Manual's examples of full and shortened notes (Chicago Manual of Style,
notes and bibliography: "Zadie Smith, Swing Time (Penguin Press, 2016), 315–16." then
"Smith, Swing Time, 320."; "Brian Grazer and Charles Fishman, A Curious Mind: The Secret
to a Bigger Life (Simon & Schuster, 2015), 12." then "Grazer and Fishman, Curious Mind,
37."). The journal article's short form is the Manual's too ("Satterfield, “Livy,”
171–72."), with the short title it chose given as ``title-short``.
"""

from db.citations.engine import FIRST
from db.citations.format import format_bibliography
from db.citations.notes import NoteSequence, identity
from db.citations.titles import short_title
from db.citations.works import WorkIndex

SMITH = {"type": "book", "author": [{"family": "Smith", "given": "Zadie"}],
         "title": "Swing Time", "publisher": "Penguin Press",
         "issued": {"date-parts": [[2016]]}}
GRAZER = {"type": "book", "author": [{"family": "Grazer", "given": "Brian"},
                                     {"family": "Fishman", "given": "Charles"}],
          "title": "A Curious Mind: The Secret to a Bigger Life",
          "publisher": "Simon & Schuster", "issued": {"date-parts": [[2015]]}}
SATTERFIELD = {"type": "article-journal", "author": [{"family": "Satterfield",
                                                      "given": "Susan"}],
               "title": "Livy and the Pax Deum", "title-short": "Livy",
               "container-title": "Classical Philology", "volume": "111", "issue": "2",
               "issued": {"date-parts": [[2016, 4]]}}
MEAD = {"type": "article-magazine", "author": [{"family": "Mead", "given": "Rebecca"}],
        "title": "The Prophet of Dystopia", "container-title": "New Yorker",
        "issued": {"date-parts": [[2017, 4, 17]]}}
MEAD_2 = dict(MEAD, title="The Other Dystopia")
UNSIGNED = {"type": "document",
            "title": "The Crumbling Caliphate: Responses on Social Media to the Collapse "
                     "of ISIS"}


def _notes(style, cites):
    seq = NoteSequence(style)
    return seq, [seq.cite(item, locator, "page" if locator else "") for item, locator in cites]


def test_chicago_full_note_first_then_the_manuals_shortened_note():
    _, notes = _notes("chicago", [(SMITH, "315–16"), (GRAZER, "12"), (SMITH, "320"),
                                  (GRAZER, "37"), (SATTERFIELD, "170"),
                                  (SATTERFIELD, "171–72")])
    assert notes == [
        "Zadie Smith, Swing Time (Penguin Press, 2016), 315–16.",
        "Brian Grazer and Charles Fishman, A Curious Mind: The Secret to a Bigger Life "
        "(Simon & Schuster, 2015), 12.",
        "Smith, Swing Time, 320.",
        "Grazer and Fishman, Curious Mind, 37.",
        "Susan Satterfield, “Livy and the Pax Deum,” Classical Philology 111, no. 2 "
        "(2016): 170.",
        "Satterfield, “Livy,” 171–72."]


def test_chicago_uses_no_ibid_and_an_unsigned_work_is_shortened_by_its_title():
    _, notes = _notes("chicago", [(MEAD, "43"), (MEAD, "47"), (MEAD, "47"),
                                  (UNSIGNED, "5"), (UNSIGNED, "")])
    assert notes[1:3] == ["Mead, “Prophet of Dystopia,” 47."] * 2  # not "Ibid."
    assert notes[3] == ("“The Crumbling Caliphate: Responses on Social Media to the "
                        "Collapse of ISIS,” n.d., 5.")
    assert notes[4] == "“Crumbling Caliphate.”"
    assert not any("Ibid" in n for n in notes)


def test_apa_and_mla_cite_in_text_every_time():
    _, apa = _notes("apa", [(MEAD, "43"), (MEAD, "47"), (UNSIGNED, "5")])
    assert apa == ["(Mead, 2017, p. 43)", "(Mead, 2017, p. 47)",
                   "(Crumbling Caliphate, n.d., p. 5)"]
    _, mla = _notes("mla", [(MEAD, "43"), (MEAD, "47"), (SMITH, "")])
    assert mla == ["(Mead 43)", "(Mead 47)", "(Smith)"]


def test_mla_adds_the_title_only_when_two_cited_works_share_an_author():
    _, mla = _notes("mla", [(MEAD, "43"), (MEAD_2, "12"), (MEAD, "44")])
    assert mla == ["(Mead 43)", "(Mead, “Other Dystopia” 12)",
                   "(Mead, “Prophet of Dystopia” 44)"]
    seq = NoteSequence("mla", known=[MEAD, MEAD_2])  # an export knows its works ahead
    assert seq.cite(MEAD, "43", "page") == "(Mead, “Prophet of Dystopia” 43)"


def test_positions_follow_the_sequence_and_a_note_citing_nothing_breaks_ibid():
    seq = NoteSequence("chicago")
    key = identity(MEAD)
    assert seq.position(key, "") == FIRST
    seq.cite(MEAD, "43", "page")
    assert seq.position(key, "page:43") == {"subsequent", "ibid", "near-note"}
    assert seq.position(key, "page:47") == {"subsequent", "ibid", "ibid-with-locator",
                                            "near-note"}
    seq.text("An aside of the researcher's.")
    assert seq.position(key, "page:43") == {"subsequent", "near-note"}
    for _ in range(5):
        seq.cite(SMITH, "1", "page")
    assert seq.position(key, "") == {"subsequent"}


def test_an_article_footnote_printed_again_refers_back_or_shortens_the_work_it_names():
    seq = NoteSequence("chicago")
    assert seq.footnote(7, "@brett_mcgurk, Twitter, October 15, 2017.") == \
        "@brett_mcgurk, Twitter, October 15, 2017."
    seq.cite(MEAD, "43", "page")
    assert seq.footnote(7, "@brett_mcgurk, Twitter, October 15, 2017.") == "See note 1."
    text = "Rebecca Mead, “The Prophet of Dystopia,” New Yorker, April 17, 2017."
    assert seq.footnote(9, text, [SMITH]) == text
    assert seq.footnote(9, text, [SMITH]) == "Smith, Swing Time."  # already cited in note 4
    assert seq.cite(SMITH, "3", "page") == "Smith, Swing Time, 3."
    assert [w["title"] for w in seq.cited()] == ["The Prophet of Dystopia", "Swing Time"]


def test_every_cited_work_is_in_the_bibliography_once():
    seq, _ = _notes("chicago", [(MEAD, "43"), (UNSIGNED, "5"), (MEAD, "47"), (SMITH, "")])
    entries = format_bibliography(seq.cited(), style="chicago")
    assert entries == [
        "Mead, Rebecca. “The Prophet of Dystopia.” New Yorker, April 17, 2017.",
        "Smith, Zadie. Swing Time. Penguin Press, 2016.",
        "“The Crumbling Caliphate: Responses on Social Media to the Collapse of ISIS.” n.d."]


def test_short_titles_as_the_manual_describes():
    assert short_title("The Omnivore’s Dilemma: A Natural History of Four Meals") == \
        "Omnivore’s Dilemma"
    assert short_title("A Curious Mind: The Secret to a Bigger Life") == "Curious Mind"
    assert short_title("The War: An Intimate History, 1941–1945") == "War"
    assert short_title("Snap Makes a Bet on the Cultural Supremacy of the Camera") == \
        "Snap Makes a Bet"
    assert short_title("Beneath the Propaganda, ISIS Supporters Worry Online") == \
        "Beneath the Propaganda"
    assert short_title("Who Runs Raqqa? Councils after ISIS") == "Who Runs Raqqa?"
    assert short_title("Swing Time") == "Swing Time"
    assert short_title("عاد السكان إلى المدينة بعد سنوات الحرب") == "عاد السكان إلى المدينة"
    assert short_title("") == ""


def test_a_footnote_names_a_work_by_doi_url_or_whole_title():
    index = WorkIndex()
    index.add("rise", doi="10.1000/rise", title="The Rise of the Islamic State")
    index.add("images", title="Images of Return: Social Media after the Fall of Raqqa")
    index.add("page", url="https://www.assabah.com.tn/article/164913/%D8%A7")
    index.add("home", title="Home Page")  # too short a title to be found by
    assert index.find("See https://doi.org/10.1000/RISE, 12.") == ["rise"]
    assert index.find('Lina Barakat and Tomas Reyes, "Images of Return: Social Media after '
                      'the Fall of Raqqa", Working Paper No. 12.') == ["images"]
    assert index.find("http://assabah.com.tn/article/164913/%D8%A7/?utm_source=x") == ["page"]
    assert index.find("Images of Return: Social Media, a talk") == []  # a part is not enough
    assert index.find("the home page of the rise of the islamic") == []
