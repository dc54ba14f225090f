"""The Reader's header: a source's title, byline, facts, link and tags.

Also the small formatting helpers the Reader shares (paragraph direction, dates shown
with their UTC offset).
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from typing import Any

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QCursor, QFont, QGuiApplication
from PySide6.QtWidgets import QLabel, QToolTip, QVBoxLayout, QWidget

from db.citations.urls import breakable, readable
from desktop.fonts import reading_font

LTR = Qt.LayoutDirection.LeftToRight
RTL = Qt.LayoutDirection.RightToLeft
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MAX_URL_SHOWN = 90
# Letters (the only strong characters in practice) and the invisible direction marks.
_STRONG_CANDIDATE = re.compile(r"[^\W\d_]|[\u200e\u200f\u061c]")
_FSI, _PDI = "\u2068", "\u2069"  # bidi isolates keep each header field in one piece
_LRM, _RLM = "\u200e", "\u200f"


def first_strong_direction(text: str) -> Qt.LayoutDirection | None:
    """The direction of the first strong character of ``text`` (Unicode rule P2), or None."""
    for match in _STRONG_CANDIDATE.finditer(text):
        bidi = unicodedata.bidirectional(match.group())
        if bidi == "L":
            return LTR
        if bidi in ("R", "AL"):
            return RTL
    return None


def utc_offset_label(offset: dt.timedelta | None) -> str:
    """``UTC``, ``UTC+3``, ``UTC-4`` or ``UTC+5:30`` for a time zone's offset."""
    minutes = round(offset.total_seconds() / 60) if offset else 0
    if not minutes:
        return "UTC"
    hours, rest = divmod(abs(minutes), 60)
    sign = "+" if minutes > 0 else "-"
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def format_published(iso: str | None, tz: dt.tzinfo | None = None) -> str:
    """An ISO 8601 date-time as ``15 Oct 2017 14:03 UTC+3`` in ``tz`` (default: local).

    A value without an offset is taken as UTC (what the project stores); a bare date
    stays a date. Month names are spelled out so the day and month cannot be confused.
    """
    if not iso:
        return ""
    try:
        stamp = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if len(iso) == 10:
        return f"{stamp.day} {MONTHS[stamp.month - 1]} {stamp.year}"
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    local = stamp.astimezone(tz)
    day = f"{local.day} {MONTHS[local.month - 1]} {local.year}"
    return f"{day} {local:%H:%M} {utc_offset_label(local.utcoffset())}"


def language_name(code: str) -> str:
    """The English name of a language code (``ar`` -> ``Arabic``), or the code itself."""
    language = QLocale(code).language() if code else QLocale.Language.C
    if language in (QLocale.Language.C, QLocale.Language.AnyLanguage):
        return code
    return QLocale.languageToString(language)


def _joined(parts: list[str]) -> str:
    """Non-empty ``parts`` isolated from each other's direction and joined with dots."""
    return " · ".join(f"{_FSI}{p}{_PDI}" for p in parts if p)


def title_of(detail: dict[str, Any]) -> str:
    """The heading of a source: its title, else (for posts) its author, else its file."""
    return detail.get("title") or detail.get("author") or detail.get("file_name") or ""


def byline(detail: dict[str, Any]) -> str:
    """Author and @handle, or a forum's member id (the author is left out when it already
    is the heading)."""
    author = detail.get("author") or ""
    handle = detail.get("handle") or ""
    if handle and detail.get("platform") == "forum":
        handle = f"member {handle}"  # a forum's member id or name, not an @handle
    elif handle and not handle.startswith("@"):
        handle = "@" + handle
    return _joined([author if author != title_of(detail) else "", handle])


def facts_line(detail: dict[str, Any], tz: dt.tzinfo | None = None) -> str:
    """Platform, site, date-time, language and collections."""
    platform = detail.get("platform") or ""
    site = detail.get("site_name") or ""
    if site.casefold() == platform.casefold():
        site = ""
    language = language_name(detail.get("language") or "")
    collections = ", ".join(detail.get("collections") or [])
    return _joined([platform[:1].upper() + platform[1:], site,
                    format_published(detail.get("published"), tz),
                    f"Language: {language}" if language else "",
                    f"Collections: {collections}" if collections else ""])


def post_line(detail: dict[str, Any]) -> str:
    """For posts: the forum post number and section, the Hijri date the page gave, the id
    replied to, the repost flag and the engagement counts."""
    if detail.get("kind") != "post":
        return ""
    extra = detail.get("extra") or {}
    parts = [f"Post #{extra['post_number']}" if extra.get("post_number") else "",
             extra.get("forum_section") or "",
             f"Hijri: {_FSI}{extra.get('date_shown') or extra['date_hijri']}{_PDI}"
             if extra.get("date_hijri") else "",
             f"Reply to {detail['reply_to_id']}" if detail.get("reply_to_id") else "",
             "Repost" if detail.get("is_repost") else ""]
    for key in ("likes", "reposts", "replies", "views"):
        if detail.get(key) is not None:
            parts.append(f"{detail[key]:,} {key}")
    return _joined(parts)


def quotes_html(quotes: list[dict[str, Any]]) -> str:
    """"Quotes: Bob, Alice" with a link to each quoted post that is in the project."""
    names = []
    for q in quotes:
        who = html.escape(q.get("author") or "an earlier post")
        sid = q.get("source_id")
        names.append(f'<a href="source:{sid}">{who}</a>' if sid is not None else who)
    return "Quotes " + ", ".join(dict.fromkeys(names)) if names else ""


def tags_line(detail: dict[str, Any]) -> str:
    """Hashtags and mentions, each with its sign."""
    tags = ["#" + t.lstrip("#") for t in detail.get("hashtags") or []]
    mentions = ["@" + m.lstrip("@") for m in detail.get("mentions") or []]
    return "  ".join(f"{_FSI}{t}{_PDI}" for t in tags + mentions)


class ReaderHeader(QWidget):
    """The metadata above the text; laid out right to left when the heading is RTL."""

    url_copied = Signal(str)
    quoted_post_activated = Signal(int)  # a source id: a "Quotes" link was clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._url = ""
        self._mark = _LRM
        names = ("readerTitle", "readerByline", "readerFacts", "readerUrl", "readerPost",
                 "readerQuotes", "readerTags")
        self._labels = {name: self._make_label(name) for name in names}
        for name in ("readerUrl", "readerQuotes"):
            self._labels[name].setTextFormat(Qt.TextFormat.RichText)
        self._labels["readerUrl"].linkActivated.connect(self._on_url_link_activated)
        self._labels["readerQuotes"].linkActivated.connect(self._on_quotes_link_activated)
        title = self._labels["readerTitle"]
        title.setFont(self._title_font(title.font()))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.setSpacing(3)
        for label in self._labels.values():
            layout.addWidget(label)

    def _make_label(self, name: str) -> QLabel:
        """A selectable, wrapping label for one header line."""
        label = QLabel(self)
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setFont(reading_font(label.font()) if name != "readerTitle" else label.font())
        return label

    @staticmethod
    def _title_font(base: QFont) -> QFont:
        """The large bold heading font."""
        font = reading_font(base)
        font.setPointSizeF(font.pointSizeF() * 1.45)
        font.setBold(True)
        return font

    def show_detail(self, detail: dict[str, Any]) -> None:
        """Fill the header from a ``sources.detail`` dict."""
        heading = title_of(detail)
        direction = first_strong_direction(heading) or first_strong_direction(
            detail.get("text") or "") or LTR
        self._set_direction(direction)
        self._labels["readerTitle"].setText(heading)
        self._labels["readerTitle"].setVisible(bool(heading))
        self._set("readerByline", byline(detail))
        self._set("readerFacts", facts_line(detail))
        self._set("readerPost", post_line(detail))
        self._set("readerQuotes", quotes_html(detail.get("quotes") or []))
        self._set("readerTags", tags_line(detail))
        self._show_url(detail.get("url") or "")

    def _set_direction(self, direction: Qt.LayoutDirection) -> None:
        """Lay the header out in ``direction`` and align every line to its start.

        A plain-text QLabel aligns by its own text's direction, so the side is made
        absolute here: an English @handle under an Arabic title stays on the right.
        """
        self.setLayoutDirection(direction)
        side = Qt.AlignmentFlag.AlignRight if direction == RTL else Qt.AlignmentFlag.AlignLeft
        for label in self._labels.values():
            label.setAlignment(side | Qt.AlignmentFlag.AlignAbsolute
                               | Qt.AlignmentFlag.AlignVCenter)
        self._mark = _RLM if direction == RTL else _LRM

    def _set(self, name: str, text: str) -> None:
        """Show ``text`` in the named label, hiding the label when there is none.

        The leading direction mark makes the fields run in the header's direction.
        """
        self._labels[name].setText(self._mark + text if text else "")
        self._labels[name].setVisible(bool(text))

    def _show_url(self, url: str) -> None:
        """The URL as a link that copies itself when clicked (Quire opens nothing)."""
        self._url = url
        shown = readable(url)  # decoded (IRI form), breakable at its slashes and dots
        shown = breakable(shown if len(shown) <= MAX_URL_SHOWN else
                          shown[:MAX_URL_SHOWN - 1] + "…")
        label = self._labels["readerUrl"]
        label.setText(f'<a href="{html.escape(url)}">{html.escape(shown)}</a>' if url else "")
        label.setToolTip(f"{readable(url)}\nClick to copy the link" if url else "")
        label.setVisible(bool(url))

    def _on_quotes_link_activated(self, link: str) -> None:
        """Open the quoted post (links are ``source:<id>``)."""
        self.quoted_post_activated.emit(int(link.partition(":")[2]))

    def _on_url_link_activated(self, _link: str) -> None:
        """Copy the URL to the clipboard rather than open a browser (Quire is offline)."""
        QGuiApplication.clipboard().setText(self._url)
        QToolTip.showText(QCursor.pos(), "Link copied to the clipboard", self)
        self.url_copied.emit(self._url)
