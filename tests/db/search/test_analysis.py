"""Tokens, folding and stemming: what a researcher types finds what the text says."""

from db.search.analysis import analyze, fold, name_pieces, query_terms, stem, tokens


def terms(text):
    return [t.term for t in tokens(text)]


def test_arabic_harakat_and_tatweel_are_removed_and_words_stay_whole():
    assert terms("كَتَبَ") == ["كتب"]
    assert terms("الحُرِّيَّة") == ["الحرية"]
    assert terms("الثـــورة") == ["الثورة"]


def test_alef_variants_and_alef_maqsura_fold():
    assert terms("أحمد إلى آمال ٱلله على") == ["احمد", "الي", "امال", "الله", "علي"]
    assert fold("إلى") == fold("الى") == "الي"


def test_one_letter_arabic_words_are_kept():
    assert terms("و ب ل") == ["و", "ب", "ل"]


def test_arabic_indic_digits_fold_to_ascii():
    assert terms("عام ٢٠١٧") == ["عام", "2017"]


def test_latin_case_and_accents_fold():
    assert terms("Café Ñandú naïve ÅNGSTRÖM İstanbul") == [
        "cafe", "nandu", "naive", "angstrom", "istanbul"]


def test_hashtags_and_mentions_whole_and_by_parts():
    toks = tokens("#SDFfreedRaqqa @Raqqa_SL")
    found = {t.term for t in toks}
    assert {"#sdffreedraqqa", "sdffreedraqqa", "sdf", "freed", "raqqa", "@raqqa_sl",
            "raqqa_sl", "sl"} <= found
    assert {t.pos for t in toks if "raqqa" in t.term and t.start < 14} == {0}
    part = next(t for t in toks if t.term == "raqqa" and t.pos == 0)
    assert "#SDFfreedRaqqa"[part.start:part.end] == "Raqqa"


def test_arabic_hashtag():
    assert {"#الرقة", "الرقة"} <= set(terms("#الرقة"))


def test_urls_and_emails_are_not_shredded():
    assert terms("see https://t.co/abc123. or me@x.org!") == [
        "see", "https://t.co/abc123", "or", "me@x.org"]


def test_apostrophes():
    assert terms("don't") == ["don't", "don", "t"]
    assert "raqqa" in terms("Raqqa’s")  # typographic apostrophe too
    assert query_terms("Raqqa's") == ["raqqa's"]


def test_offsets_are_code_points_of_the_original_text():
    text = "🕊️ سلامٌ عليكم 💔 Raqqa"
    for t in tokens(text):
        assert fold(text[t.start:t.end]) == t.term


def test_offsets_survive_removed_characters():
    text = "الرَّقَّة و الثـــورة"
    spans = [text[t.start:t.end] for t in tokens(text)]
    assert spans == ["الرَّقَّة", "و", "الثـــورة"]


def test_queries_are_folded_like_the_text():
    assert query_terms("الرَّقَّة") == ["الرقة"]
    assert query_terms("CAFÉ") == ["cafe"]


def test_stemming():
    assert stem("airstrikes") == stem("airstrike")
    assert stem("families") == stem("family")
    assert stem("#raqqa") == "#raqqa"
    assert stem("2017") == "2017"
    assert stem("المدارس") != "المدارس"


def parts(name):
    return [name[s:e] for s, e in name_pieces(name, 0, len(name))]


def test_names_split_as_a_reader_would():
    assert {"SDF", "freed", "Raqqa"} <= set(parts("SDFfreedRaqqa"))
    assert {"HTML", "Parser", "2017"} <= set(parts("HTMLParser2017"))
    assert parts("StopTheWar2017") == ["Stop", "The", "War", "2017"]
    assert parts("Raqqa_SL") == ["Raqqa", "SL"]
    assert parts("user_42") == ["user", "42"]
    assert parts("الرقة_اليوم") == ["الرقة", "اليوم"]
    assert parts("raqqa") == ["raqqa"]


def test_name_parts_keep_harakat_inside_their_part():
    name = "الرَّقَّة_2017"
    assert parts(name) == ["الرَّقَّة", "2017"]


def test_parts_come_right_after_their_token_and_positions_never_decrease():
    terms, poss, starts, ends = analyze("go #SDFfreedRaqqa don't stop")
    assert poss == sorted(poss) and poss[-1] + 1 == 4
    assert terms[:2] == ["go", "#sdffreedraqqa"] and terms[-1] == "stop"


def test_analyze_agrees_with_tokens_and_offsets_fold_to_terms():
    text = "🕊️ #SDFfreedRaqqa raqqa's Raqqa-today الرَّقَّة raqqa"
    toks = tokens(text)
    assert [tuple(t) for t in toks] == list(zip(*analyze(text), strict=True))
    for t in toks:
        assert fold(text[t.start:t.end]) == t.term
