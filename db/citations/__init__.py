"""Bibliographic data and citations, without a window or a database session.

``csl`` turns what an importer read (an article's author, site and date; a post's
handle, platform, date and URL) into CSL-JSON, the format every reference manager and
citation processor speaks; ``references`` reads reference libraries (BibTeX, RIS,
CSL-JSON) into CSL-JSON and matches them to sources; ``format`` renders CSL-JSON items as
footnotes and bibliography entries in Chicago, APA and MLA through citeproc-py, with the
styles shipped in ``resources/csl``.

CSL-JSON is kept whole: fields Quire does not know are stored and given back unchanged,
and only the fields the citation processor understands are passed to it.
"""
