"""One fold for search and find in a source: accents, Arabic marks, exact offsets."""

from db.fold import FOLD, find_all, fold, kept_offsets
from db.search.analysis import tokens

ENGLISH = "Raqqa fell in 2017. Residents of raqqa wrote first.\nRAQQA rebuilt slowly."
HARAKAT = "الرَّقَّة"
MIXED = (f"🕊️ {HARAKAT} مدينتنا، ونحن من سيعيد بناءها. وقالت أُمّ: إنها الرقة ما زالت.\n\n"
         "The residents of Raqqa 🇸🇾 wrote first; RAQQA rebuilt slowly.")


def test_accents_and_case_fold_away():
    assert fold("Café CAFÉ naïve Ångström") == "cafe cafe naive angstrom"
    assert fold("cafe\u0301") == "cafe"  # a decomposed accent is composed, then folded
    assert find_all("un café, un CAFÉ", "cafe") == [(3, 7), (12, 16)]
    assert find_all("un cafe", "café") == [(3, 7)]


def test_arabic_harakat_tatweel_and_alef_forms_fold_away():
    assert fold(HARAKAT) == "الرقة"
    assert fold("قَتَـــلَ") == "قتل"
    assert fold("أإآٱ ى") == "اااا ي"
    assert fold("٢٠١٧ ۲۰۱۷") == "2017 2017"
    assert find_all("قالت أُمّ", "ام") == [(5, 9)]  # alef with hamza, damma, shadda
    assert find_all("مستشفى", "مستشفي") == [(0, 6)]
    assert find_all("abc", "") == [] and find_all("abc", "\u064e") == []


def test_spans_are_exact_code_points_of_the_original():
    assert find_all(ENGLISH, "raqqa") == [(0, 5), (33, 38), (52, 57)]
    spans = find_all(MIXED, "الرقة")
    assert [MIXED[a:b] for a, b in spans] == [HARAKAT, "الرقة"]
    assert spans[0][0] == len("🕊️ ")
    word = "قَتَـــلَ"  # the span ends after the marks that follow its last letter
    assert find_all(f"هو {word} هنا", "قتل") == [(3, 3 + len(word))]
    emoji = "🇸🇾🕊️ café"  # characters outside the BMP count as one code point each
    assert find_all(emoji, "cafe") == [(len(emoji) - 4, len(emoji))]


def test_kept_offsets_map_each_folded_character_back():
    text = "🕊️ أَحمد"
    folded = text.translate(FOLD)
    back = kept_offsets(text)
    assert folded == "🕊️ احمد"
    assert back == [0, 1, 2, 3, 5, 6, 7]
    assert kept_offsets("no marks here") is None


def test_find_in_source_folds_as_search_tokenizes():
    """Every word the index makes is the fold of the text it came from, and find in a
    source finds it at the same place."""
    text = "Café culture in الرَّقَّة: CAFÉ noir, l’état, ٢٠١٧."
    for tok in tokens(text, parts=False):
        assert tok.term == fold(text[tok.start:tok.end])
        assert (tok.start, tok.end) in find_all(text, text[tok.start:tok.end])


def test_on_ascii_folding_is_lower_casing():
    # The search checks a word the index located with str.lower() when it is ASCII.
    ascii_chars = "".join(map(chr, range(128)))
    assert ascii_chars.translate(FOLD) == ascii_chars.lower()
