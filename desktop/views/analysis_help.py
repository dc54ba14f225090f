"""The Analysis view's short help: what each view shows and how its numbers are counted."""

NAMES = {"frequencies": "Code frequencies", "cooccurrence": "Co-occurrence",
         "crosstab": "Crosstab", "timeline": "Timeline", "words": "Words"}

HELP = {
    "frequencies": (
        "<b>Code frequencies.</b> For each code: its coded excerpts, the sources they lie "
        "in, their characters and words. <i>With sub-codes</i> adds each code's sub-codes "
        "(an excerpt coded with both counts once). <i>Split by</i> gives one bar per value "
        "(collection, coder, platform, author, month…)."),
    "cooccurrence": (
        "<b>Code co-occurrence.</b> How often two codes apply together. <i>Overlapping "
        "excerpts</i>: the excerpts of either code that overlap an excerpt of the other. "
        "<i>Same sentence / paragraph / source</i>: the units holding an excerpt of each. "
        "The diagonal is each code's own count; Jaccard divides by the excerpts (or units) "
        "of either code."),
    "crosstab": (
        "<b>Crosstab.</b> Codes × an attribute of the sources, counting excerpts (or "
        "sources). Row % is the share of the row's total; column % the share of the "
        "column's. A source in two collections counts in both."),
    "timeline": (
        "<b>Timeline.</b> Coded excerpts (or sources) per day, week or month of the "
        "sources' publication dates. <i>Share</i> divides by all sources published in the "
        "period, so a quiet month does not look like a drop. Undated sources are counted "
        "below the chart, not on it."),
    "words": (
        "<b>Words.</b> Words or 2–3 word phrases in the coded text (or the sources' whole "
        "text), cut and folded as search does it (harakat, tatweel, alef variants), "
        "stopwords left out. <i>Keyness</i> ranks the words that mark this text against "
        "the rest of the sources, or against other codes' text (log-likelihood; ≥ 3.84 is "
        "p < 0.05)."),
}

CLICK = "Click a bar, cell or point (or double-click a table row) to see the excerpts behind it."
