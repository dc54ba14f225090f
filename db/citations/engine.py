"""citeproc-py, loaded once and made to render a note in a given position.

Everything Quire asks of the citation processor goes through here: the three styles
parsed once from ``resources/csl`` (never a network), one note rendered in the position
the caller computed, and bibliography entries. What is changed in citeproc-py (0.11) is
changed here, on the parsed styles or by replacing one method, never in the CSL files:

* **positions**: citeproc-py finds a cite's position (first, subsequent, ibid, near-note)
  by scanning every earlier cite each time a style asks, which a style asks dozens of
  times per note: N notes cost N² scans. Quire keeps the sequence itself
  (:class:`db.citations.notes.NoteSequence`) and tells the processor the position, so a
  note renders the same wherever it stands and can be remembered;
* **disambiguate**: citeproc-py takes ``disambiguate="true"`` as always true (MLA then
  adds the title to every in-text citation); here it is true only when the caller says
  that another cited work shares the author's name;
* **bibliography omissions**: a style may leave kinds of work out of its bibliography
  (Chicago 18 leaves out social-media posts, CMOS 14.106, and unpublished documents).
  Quire lists every work an export cites, so such empty branches of the bibliography's
  layout are removed when the style is parsed, and those works take the style's general
  form (for posts, the form Chicago 17, 14.209, gave them);
* **look-ups**: what a style's tree answers never changes, so its XPath searches are kept.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

from db.resources import resource

LOCALE = "en-US"
FIRST = frozenset({"first"})
_LOCK = threading.Lock()  # a parsed style holds its formatter while rendering


def render_note(data: dict[str, Any], style_file: str, citation_item, *, html_output: bool,
                position: frozenset[str] = FIRST, ambiguous: bool = False) -> str:
    """One note (or in-text citation) of ``data`` (an item prepared for citeproc, id
    "item"), as citeproc-py renders it, with ``position`` the set of CSL positions that
    hold for it ({"first"}; {"subsequent", "ibid", ...})."""
    from citeproc import Citation

    citation_item["quire_position"] = position
    citation_item["quire_ambiguous"] = ambiguous
    with _LOCK:
        bib = _bibliography(style_file, [data], html_output)
        citation = Citation([citation_item])
        bib.register(citation)
        return str(bib.cite(citation, _missing))


def render_entries(data: list[dict[str, Any]], style_file: str, *, html_output: bool
                   ) -> list[tuple[str, str]]:
    """(id, entry) of each item in the style's bibliography order; entries may be ""."""
    from citeproc import Citation, CitationItem

    with _LOCK:
        bib = _bibliography(style_file, data, html_output)
        for d in data:
            bib.register(Citation([CitationItem(d["id"])]))
        bib.sort()
        out = []
        for item in bib.items:
            text = bib.style.render_bibliography([item])
            out.append((item.key, str(text[0]) if text else ""))
        return out


def _missing(citation_item) -> str:
    return "?"


def _bibliography(style_file: str, data: list[dict[str, Any]], html_output: bool):
    from citeproc import CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    fmt = formatter.html if html_output else formatter.plain
    return CitationStylesBibliography(parsed_style(style_file), CiteProcJSON(data), fmt)


@cache
def parsed_style(style_file: str):
    """The style in ``resources/csl/style_file``, parsed once and prepared (see the
    module), with its locale read from resources/csl."""
    from citeproc import CitationStylesStyle, frontend

    _patch_citeproc()
    saved = frontend.LOCALES_PATH
    frontend.LOCALES_PATH = str(resource("csl"))  # where citeproc looks for locales-en-US.xml
    try:
        style = CitationStylesStyle(str(resource("csl", style_file)), locale=LOCALE,
                                    validate=False)
    finally:
        frontend.LOCALES_PATH = saved
    _list_every_work(style)
    return style


def _list_every_work(style) -> None:
    """Remove the empty branches of the bibliography layout's top-level choice: the kinds
    of work the style leaves out then fall through to its general form."""
    ns = {"cs": "http://purl.org/net/xbiblio/csl"}
    for branch in style.root.xpath("cs:bibliography/cs:layout/cs:choose/cs:else-if",
                                   namespaces=ns):
        if len(branch) == 0:
            branch.getparent().remove(branch)


# --- replacing parts of citeproc-py -----------------------------------------------------------

@cache
def _patch_citeproc() -> None:
    """Install the replacements described in the module docstring (once)."""
    from citeproc import model

    model.If._position = _given_position
    model.If.render = _render_if
    _remember_xpath_searches(model)


_TESTS = (("type", "_type"), ("variable", "_variable"), ("is-numeric", "_is_numeric"),
          ("is-uncertain-date", "_is_uncertain_date"), ("locator", "_locator"))


def _render_if(self, item, context=None, delimiter="", **kwargs):
    """citeproc-py's ``cs:if`` with the ``disambiguate`` test answered (see the module)."""
    from citeproc.model import ConditionFailed

    results = [r for attr, test in _TESTS if attr in self.attrib
               for r in getattr(self, test)(item)]
    if "position" in self.attrib:
        results += self._position(item, context)
    if "disambiguate" in self.attrib:
        results.append(bool(item.get("quire_ambiguous", False)))
    match = self.get("match")
    passed = any(results) if match == "any" else \
        not any(results) if match == "none" else all(results)
    if not passed:
        raise ConditionFailed
    return self.render_children(item, context=context, delimiter=delimiter, **kwargs)


def _given_position(self, item, context):
    """The CSL position tests, answered from the position the caller gave the item; in a
    bibliography, always false."""
    if context is None:
        context = self
    if context.xpath_search("./ancestor::*[self::cs:bibliography]"):
        return [False]
    given = item.get("quire_position", FIRST)
    return [test in given for test in self.get("position").split()]


def _remember_xpath_searches(model) -> None:
    """Make citeproc remember what it looks up in a style's tree.

    Rendering one Chicago note runs some 370 XPath searches (macros, layouts, inherited
    options) and asks thousands of times whether a group of elements "calls a variable";
    together they were two thirds of its time. A parsed style is never changed after it
    is prepared, so both answers depend only on the element (and the expression): they
    are kept per element. Keeping the element as a key also keeps its lxml proxy, so the
    key stays valid. Only the three styles Quire ships are parsed, so the memory is
    bounded.
    """
    search, found = model.CitationStylesElement.xpath_search, {}

    def remembered_search(self, expression):
        key = (self, expression)
        if key not in found:
            found[key] = search(self, expression)
        return list(found[key])

    model.CitationStylesElement.xpath_search = remembered_search
    for cls in vars(model).values():
        if isinstance(cls, type) and "calls_variable" in vars(cls):
            cls.calls_variable = _remembered(cls.calls_variable)


def _remembered(method):
    """``method(self)`` computed once per element."""
    answers = {}

    def remembered(self):
        if self not in answers:
            answers[self] = method(self)
        return answers[self]

    return remembered
