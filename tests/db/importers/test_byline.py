"""Author and date from the head of plain-text and Markdown articles: real-looking bylines
and datelines in English and Arabic, and lines that must not be taken for them."""

from __future__ import annotations

import datetime as dt

import pytest

from db.importers.base import ReadOptions
from db.importers.byline import clean_names, read_byline
from db.importers.dates import find_date
from db.importers.markdown import IMPORTER as MARKDOWN
from db.importers.plaintext import IMPORTER as TEXT

UTC = dt.UTC

# (the lines under the headline, author, CSL date parts, site)
FOUND = [
    ("By Miriam Halloran, Euphrates Review, 30 October 2017", "Miriam Halloran",
     (2017, 10, 30), "Euphrates Review"),
    ("By Daniel Okafor and Rasha Haddad, Institute for Networked Conflict Studies, "
     "November 2017", "Daniel Okafor and Rasha Haddad", (2017, 11),
     "Institute for Networked Conflict Studies"),
    ("BY JANE ARRAF | Published Oct. 17, 2017", "Jane Arraf", (2017, 10, 17), ""),
    ("By Jane Arraf | Published Oct. 17, 2017", "Jane Arraf", (2017, 10, 17), ""),
    ("Jul 02, 2016 at 5:00 AM ET\nAdam Hoffman analyzes how ISIS supporters reacted "
     "online to the group's losses.", "Adam Hoffman", (2016, 7, 2), ""),
    ("Written by Dr. Lina Barakat\nUpdated: 15 November 2017, 10:30 GMT", "Lina Barakat",
     (2017, 11, 15), ""),
    ("Author: Hassan Hassan\nDate: 2017-10-20", "Hassan Hassan", (2017, 10, 20), ""),
    ("By Reuters", "Reuters", (), ""),
    ("By Aaron Y. Zelin and Oula A. Alrifai — Washington Institute — July 2018",
     "Aaron Y. Zelin and Oula A. Alrifai", (2018, 7), "Washington Institute"),
    ("بقلم: د. سلمى العبيدي، مركز دجلة للدراسات، كانون الأول/ديسمبر 2017", "سلمى العبيدي",
     (2017, 12), "مركز دجلة للدراسات"),
    ("كتب: محمد الشريف\nالاثنين ٣٠ تشرين الأول/أكتوبر ٢٠١٧", "محمد الشريف",
     (2017, 10, 30), ""),
    ("الكاتب: حسن حسن\nالتاريخ: 17 أكتوبر 2017", "حسن حسن", (2017, 10, 17), ""),
    ("نشر في: 22 جوان 2019", "", (2019, 6, 22), ""),
    ("آخر تحديث: 9 شباط 2019 - 14:20", "", (2019, 2, 9), ""),
]

# Lines a careless reader would take for a byline or a dateline.
NOT_TAKEN = [
    "By the time the convoy arrived, the town was empty.",
    "By 2017, most residents had returned to the eastern districts.",
    "By Monday, the streets near the old market were quiet again.",
    "By Raqqa standards, the damage to the hospital was light.",
    "On 17 October 2017 the Syrian Democratic Forces announced the end of the battle.",
    "President Trump writes that the caliphate has fallen.",
    "Prime Minister Haider al-Abadi announced victory in Mosul on 10 July 2017.",
    "بقلم الرصاص كتب الأطفال أسماءهم على جدران المدرسة المهدمة في المدينة القديمة.",
    "في 17 تشرين الأول/أكتوبر 2017 أعلنت قوات سوريا الديمقراطية انتهاء المعركة.",
    "Report 12/10/2017 on the situation",
]


@pytest.mark.parametrize(("head", "author", "date", "site"), FOUND)
def test_bylines_and_datelines_are_read(head, author, date, site):
    found = read_byline(f"A Headline\n\n{head}\n\nThe body begins here.", "A Headline")
    assert (found.author, found.date, found.site) == (author, date, site)
    if author:
        assert found.lines["author"] in head


@pytest.mark.parametrize("line", NOT_TAKEN)
def test_sentences_are_not_taken_for_bylines(line):
    found = read_byline(f"A Headline\n\n{line}\n\nMore text.", "A Headline")
    assert (found.author, found.date) == ("", ())


def test_times_and_zones():
    assert find_date("Jul 02, 2016 at 5:00 AM ET").moment == \
        dt.datetime(2016, 7, 2, 9, 0, tzinfo=UTC)  # EDT in July
    assert find_date("Jan 05, 2016 at 5:00 PM ET").moment == \
        dt.datetime(2016, 1, 5, 22, 0, tzinfo=UTC)
    assert find_date("30 October 2017 10:15 GMT").moment == \
        dt.datetime(2017, 10, 30, 10, 15, tzinfo=UTC)
    assert find_date("30 October 2017, 10:15").moment == dt.datetime(2017, 10, 30, tzinfo=UTC)
    assert find_date("٣٠ أكتوبر ٢٠١٧").parts == (2017, 10, 30)
    assert find_date("31 February 2017") is None
    assert find_date("05/10/2017") is None  # May or October: not read


def test_names_are_cleaned_or_refused():
    assert clean_names("Prof. Adam Hoffman & Dr. Jane Roe") == "Adam Hoffman and Jane Roe"
    assert clean_names("Hassan Hassan; Michael Weiss") == "Hassan Hassan and Michael Weiss"
    assert clean_names("the Associated Press") == ""
    assert clean_names("Staff Reporter") == ""


def _read(importer, path):
    return next(importer.read(path, ReadOptions()).drafts)


def test_a_text_article_gets_its_author_and_date_marked_as_guessed(tmp_path):
    path = tmp_path / "caliphate.txt"
    path.write_text("The Crumbling Caliphate\n\nJul 02, 2016 at 5:00 AM ET\n\nAdam Hoffman "
                    "analyzes the responses on social media to the collapse of ISIS.\n\n"
                    "By 2016, the group had lost much of its territory.", encoding="utf-8")
    draft = _read(TEXT, path)
    assert draft.author == "Adam Hoffman"
    assert draft.published == dt.datetime(2016, 7, 2, 9, 0, tzinfo=UTC)
    assert draft.extra["guessed"] == {
        "author": {"line": "Adam Hoffman analyzes the responses on social media to the "
                           "collapse of ISIS.",
                   "value": [{"family": "Hoffman", "given": "Adam"}]},
        "issued": {"line": "Jul 02, 2016 at 5:00 AM ET",
                   "value": {"date-parts": [[2016, 7, 2]]}}}


def test_front_matter_is_stated_not_guessed_and_a_month_is_kept_as_a_month(tmp_path):
    stated = tmp_path / "stated.md"
    stated.write_text("---\nauthor: Jane Roe\ndate: 2017-10-30\n---\n# Title\n\n"
                      "By Someone Else, 1 May 2015\n\nText.", encoding="utf-8")
    draft = _read(MARKDOWN, stated)
    assert draft.author == "Jane Roe" and "guessed" not in draft.extra
    month = tmp_path / "month.md"
    month.write_text("# Losing the City\n\nBy Daniel Okafor, November 2017\n\nText.",
                     encoding="utf-8")
    draft = _read(MARKDOWN, month)
    assert draft.author == "Daniel Okafor" and draft.published is None
    assert draft.extra["csl"] == {"issued": {"date-parts": [[2017, 11]]}}
    assert set(draft.extra["guessed"]) == {"author", "issued"}
