"""Telegram Desktop's JSON export (``result.json``): one chat or channel, or a whole account.

A single chat is ``{"name", "type", "id", "messages": [...]}``; a whole-account export
holds its chats under ``chats.list`` (and ``left_chats.list``). Messages are decoded one
at a time, so a large export is never held in memory as Python objects. In a
whole-account export each post names its chat in ``extra["collection"]``, which the
import pipeline uses instead of the file's suggested collection.

Telegram Desktop writes a chat's name, type and id before its messages; a chat whose
messages came first would get a generic name.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from db.errors import ImportFileError
from db.importers.base import POST, FileRead, ReadOptions, SourceDraft
from db.importers.jsoncursor import JsonCursor
from db.importers.jsonstream import head_text, open_json
from db.importers.postutil import (
    Tally,
    finishing,
    parse_date,
    post,
    start,
    strip_mark,
    to_int,
    unique,
)
from db.importers.safety import check_size

PLATFORM = "telegram"
_CHAT_LISTS = ("chats", "left_chats")
_CHAT_TYPES = ('"personal_chat"', '"private_group"', '"private_supergroup"',
               '"public_supergroup"', '"private_channel"', '"public_channel"',
               '"bot_chat"', '"saved_messages"')


class TelegramImporter:
    """Chats and channels exported by Telegram Desktop as JSON."""

    name = "telegram"
    label = "Telegram export"
    kind = POST

    def sniff(self, path: Path, head: bytes) -> float:
        """Certain for JSON with Telegram's chat keys and types."""
        text = head_text(head)
        if path.suffix.lower() != ".json" or not text.startswith("{"):
            return 0.0
        if '"messages"' in text and '"type"' in text and any(t in text for t in _CHAT_TYPES):
            return 0.95
        if '"chats"' in text and '"list"' in text and '"personal_information"' in text:
            return 0.95
        return 0.0

    def read(self, path: Path, options: ReadOptions) -> FileRead:
        """Start reading the messages of ``path`` (the first is read at once)."""
        check_size(path)
        warnings: list[str] = []
        tally = Tally(warnings)
        found = _Export(path)
        drafts = start(finishing(found.walk(tally), tally), path, tally)
        return FileRead(drafts, found.collection(), warnings)


class _Export:
    """What the walk over one export learns: chat names for the collection suggestion."""

    def __init__(self, path: Path):
        self.path, self.chats, self.account = path, [], False

    def collection(self) -> str:
        """The single chat's name, or the folder's name for a whole-account export."""
        if self.account or not self.chats:
            return self.path.parent.name or self.path.stem
        return self.chats[0]

    def walk(self, tally: Tally) -> Iterator[SourceDraft]:
        """Every message with text in the file, read as the iterator advances."""
        with open_json(self.path) as fh:
            cursor = JsonCursor(fh, self.path)
            if cursor.peek() != "{":
                raise ImportFileError(self.path, "this is not a Telegram export (it is not "
                                                 "a JSON object)")
            yield from self._root(cursor, tally)

    def _root(self, cursor: JsonCursor, tally: Tally) -> Iterator[SourceDraft]:
        """Every message with text, from a single-chat or a whole-account export."""
        chat: dict[str, Any] = {}
        for key in cursor.members():
            if key == "messages":
                yield from self._chat_messages(cursor, chat, tally)
            elif key in _CHAT_LISTS and cursor.peek() == "{":
                self.account = True
                yield from self._chat_list(cursor, tally)
            else:
                _keep_scalar(chat, key, cursor.value())
        cursor.end()

    def _chat_list(self, cursor: JsonCursor, tally: Tally) -> Iterator[SourceDraft]:
        for key in cursor.members():
            if key != "list" or cursor.peek() != "[":
                cursor.value()
                continue
            for _ in cursor.elements():
                yield from self._chat(cursor, tally)

    def _chat(self, cursor: JsonCursor, tally: Tally) -> Iterator[SourceDraft]:
        chat: dict[str, Any] = {}
        for key in cursor.members():
            if key == "messages":
                yield from self._chat_messages(cursor, chat, tally)
            else:
                _keep_scalar(chat, key, cursor.value())

    def _chat_messages(self, cursor, chat: dict, tally: Tally) -> Iterator[SourceDraft]:
        info = _ChatInfo(chat, self.account)
        self.chats.append(info.name)
        for _ in cursor.elements():
            message = cursor.value()
            tally.records += 1
            draft = message_draft(message, info, tally)
            if draft is not None:
                yield draft


def _keep_scalar(chat: dict, key: str, value: Any) -> None:
    # Contacts, sessions and the like are decoded and dropped; only names and ids matter.
    if isinstance(value, str | int | float):
        chat[key] = value


class _ChatInfo:
    """The chat a message belongs to."""

    def __init__(self, chat: dict, in_account: bool):
        self.id = str(chat.get("id", ""))
        self.type = str(chat.get("type", ""))
        self.name = str(chat.get("name") or _UNNAMED.get(self.type, "Telegram chat"))
        self.username = strip_mark(str(chat.get("username") or ""), "@")
        self.in_account = in_account

    def url(self, message_id: Any) -> str:
        """The public address of a message, when the export gives the chat's username."""
        return f"https://t.me/{self.username}/{message_id}" if self.username else ""


_UNNAMED = {"saved_messages": "Saved Messages"}


def message_draft(message: Any, chat: _ChatInfo, tally: Tally) -> SourceDraft | None:
    """One exported message as a post draft; None (counted) for what is not a post."""
    if not isinstance(message, dict) or message.get("type", "message") != "message":
        tally.skip("service messages skipped (joins, pins, calls...)")
        return None
    text = message_text(message.get("text"))
    if not text.strip():
        tally.skip("messages without text skipped (photos, stickers, files...)")
        return None
    mid = message.get("id", "")
    reply = message.get("reply_to_message_id")
    return post(
        text, platform=PLATFORM, post_id=f"{chat.id}/{mid}", author=message.get("from") or "",
        handle=str(message.get("from_id") or ""), published=_date(message),
        url=chat.url(mid), thread_id=chat.id,
        reply_to_id=f"{chat.id}/{reply}" if reply is not None else "",
        is_repost=bool(message.get("forwarded_from")), likes=_reactions(message),
        views=to_int(message.get("views")), **_entities(message), raw=message,
        extra=_extra(message, chat),
    )


def message_text(value: Any) -> str:
    """A message's text: a string, or a list of strings and entity objects joined."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(p if isinstance(p, str) else str(p.get("text", ""))
                       for p in value if isinstance(p, str | dict))
    return ""


def _date(message: dict):
    # date_unixtime is UTC; "date" is the exporting computer's local time, zone unknown.
    return parse_date(message.get("date_unixtime")) or parse_date(message.get("date"))


def _reactions(message: dict) -> int | None:
    reactions = message.get("reactions")
    if not isinstance(reactions, list):
        return None
    return sum(to_int(r.get("count")) or 0 for r in reactions if isinstance(r, dict))


def _entities(message: dict) -> dict:
    entities = message.get("text_entities")
    if not isinstance(entities, list):
        parts = message.get("text")
        entities = [p for p in parts if isinstance(p, dict)] if isinstance(parts, list) else None
    if not entities:
        return {}  # a plain string: post() finds hashtags, mentions and links in it
    return {"hashtags": unique(strip_mark(t, "#") for t in _texts(entities, "hashtag")),
            "mentions": unique(strip_mark(t, "@") for t in _texts(entities, "mention")),
            "links": unique([*_texts(entities, "link"), *_texts(entities, "text_link", "href")])}


def _texts(entities: list, kind: str, key: str = "text") -> list[str]:
    """The ``key`` of every entity of type ``kind``."""
    return [str(e.get(key, "")) for e in entities if isinstance(e, dict) and e.get("type") == kind]


def _extra(message: dict, chat: _ChatInfo) -> dict:
    extra: dict[str, Any] = {"format": "telegram-json", "chat": chat.name,
                             "chat_type": chat.type}
    if chat.in_account:
        extra["collection"] = chat.name
    for key in ("forwarded_from", "edited", "media_type", "via_bot", "author"):
        if message.get(key):
            extra[key] = message[key]
    reactions = message.get("reactions")
    if isinstance(reactions, list):
        extra["reactions"] = {str(r.get("emoji") or r.get("document_id") or r.get("type")):
                              to_int(r.get("count")) for r in reactions if isinstance(r, dict)}
    return extra


IMPORTER = TelegramImporter()
