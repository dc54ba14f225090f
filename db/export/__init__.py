"""Exports of coded excerpts: annotated PDFs (reportlab) and quote tables (CSV, XLSX).

* :mod:`db.export.selection` -- what is exported: filters into ordered, grouped rows;
* :mod:`db.export.pdf` -- the annotated PDF of a selection, or of one whole source;
* :mod:`db.export.tables` -- the quote tables;
* underneath: :mod:`~db.export.arabic` and :mod:`~db.export.bidi_levels` (logical line
  breaking, per-line bidi, HarfBuzz shaping), :mod:`~db.export.fonts` (the shipped fonts,
  placeholders for emoji), :mod:`~db.export.richtext` (the one flowable every text is set
  in), :mod:`~db.export.footnotes` (real footnotes), :mod:`~db.export.annotate`
  (highlights, margin marks, markers), :mod:`~db.export.story` (the flowables) and
  :mod:`~db.export.atomic` (write whole or not at all).

Positions are Unicode code points of a source's text, as everywhere in the core.
"""
