"""Reading a Taguette project (its SQLite file) into a bundle, and making a Quire project
of it.

Two kinds of file hold Taguette projects, with the same tables: the file of Project ▸
Export project (one project; Taguette records every change in it as made by "admin"),
and a Taguette installation's own database (any number of projects and users; the
``commands`` log says who made each highlight). The file is only ever read, through a
read-only connection, and read whole before anything is written.

* documents become articles: their HTML as the text a reader sees (paragraphs kept, see
  :mod:`db.importers.html_text`), the name as the title, the description as a memo;
* tags become codes, with their descriptions. Taguette's tags are flat names (a "/" is
  part of the name), so each becomes a top-level code of exactly that name;
* highlights become excerpts at the same passages (Taguette's UTF-8 byte offsets over
  the document's text nodes are carried into the canonical text), each tag a coding,
  a highlight without tags an uncoded highlight; the user who made it is its coder.

Entities get new UUIDs: a Taguette id is only unique inside its own database, and
nothing in a Taguette file identifies a tag across projects.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from db.errors import ImportFileError
from db.exchange.bundle import BCode, BCoder, BCoding, BExcerpt, BMemo, BSource, Bundle
from db.exchange.refi_model import MARKER_COLOR
from db.foreign import is_sqlite, is_taguette
from db.importers.html_text import render
from db.models import ProjectInfo, new_uuid

if TYPE_CHECKING:
    from db.merge import MergeReport

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]
_REQUIRED = {"projects": {"id", "name", "description"},
             "documents": {"id", "name", "description", "project_id", "contents"},
             "tags": {"id", "project_id", "path", "description"},
             "highlights": {"id", "document_id", "start_offset", "end_offset"},
             "highlight_tags": {"highlight_id", "tag_id"}}


def taguette_projects(path: str | Path) -> list[tuple[int, str]]:
    """The projects of a Taguette file, as (id, name), by id."""
    with _Database(Path(path)) as db:
        return db.projects()


def read_taguette(path: str | Path, *, project: str = "") -> Bundle:
    """One project of a Taguette file as a bundle; ``project`` (an id or a name) is
    needed only when the file holds several."""
    path = Path(path)
    with _Database(path) as db:
        pid, name = db.choose(project)
        return _Reader(db, pid, name).read()


def import_taguette(path: str | Path, out: str | Path, *, project: str = "",
                    progress: Progress | None = None,
                    cancelled: Cancelled | None = None) -> tuple[Path, MergeReport]:
    """Make a new Quire project at ``out`` from a Taguette project; (its path, the
    MergeReport). Nothing is left at ``out`` when the file is refused or it fails."""
    from db import project as projects
    from db.merge import merge_bundle

    bundle = read_taguette(path, project=project)
    proj = projects.create(out, name=bundle.name or Path(path).stem)
    try:
        with proj.session() as s:
            report = merge_bundle(s, bundle=bundle, label=f"Import {Path(path).name}",
                                  progress=progress, cancelled=cancelled).value
            s.scalars(select(ProjectInfo)).one().description = bundle.description
    except BaseException:
        proj.close()
        for leftover in (proj.path, *_sidecars(proj.path)):
            leftover.unlink(missing_ok=True)
        raise
    proj.close()
    return proj.path, report


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + tail) for tail in ("-wal", "-shm", "-journal")]


class _Database:
    """A Taguette file opened read-only, its tables checked."""

    def __init__(self, path: Path):
        self.path = path
        if not path.is_file():
            raise ImportFileError(path, "no such file")
        if not is_sqlite(path) or not is_taguette(path):
            raise ImportFileError(path, "this is not a Taguette project (Taguette's projects "
                                        "are SQLite files, .sqlite3)")
        self.conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        self.columns = {t: self._columns(t) for t in (*_REQUIRED, "commands", "project_members",
                                                   "alembic_version")}
        missing = [f"{t}.{c}" for t, cs in _REQUIRED.items() for c in sorted(cs - self.columns[t])]
        if missing:
            self.close()
            raise ImportFileError(path, "this Taguette file lacks what every Taguette project "
                                        f"has ({', '.join(missing[:4])}); open it once in a "
                                        "current Taguette, which updates it, and try again")

    def _columns(self, table: str) -> set[str]:
        return {row[1] for row in self.conn.execute(f'PRAGMA table_info("{table}")')}

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> _Database:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def rows(self, sql: str, *args) -> list[tuple]:
        """The rows of a query (every value a Taguette file holds is plain)."""
        try:
            return self.conn.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as exc:
            raise ImportFileError(self.path, f"the file is damaged ({exc})") from exc

    def projects(self) -> list[tuple[int, str]]:
        """(id, name) of every project."""
        return [(pid, name) for pid, name in self.rows(
            "SELECT id, name FROM projects ORDER BY id")]

    def choose(self, wanted: str) -> tuple[int, str]:
        """The project named or numbered ``wanted``, or the only one."""
        found = self.projects()
        if wanted:
            found = [p for p in found if wanted in (str(p[0]), p[1])]
        if len(found) == 1:
            return found[0]
        listed = "; ".join(f"{pid}: {name}" for pid, name in self.projects()[:10])
        if not found and not wanted:
            raise ImportFileError(self.path, "this Taguette file holds no project")
        what = f"no project '{wanted}'" if wanted else f"{len(found)} projects"
        raise ImportFileError(self.path, f"this Taguette file holds {what} ({listed}); "
                                         "choose one (quire import-taguette --project ID)")

    def revision(self) -> str:
        """The Taguette schema revision the file says it has."""
        if not self.columns["alembic_version"]:
            return ""
        got = self.rows("SELECT version_num FROM alembic_version")
        return got[0][0] if got else ""


class _Reader:
    """One pass over one project of a Taguette file, collecting a bundle."""

    def __init__(self, db: _Database, pid: int, name: str):
        self.db, self.pid = db, pid
        self.bundle = Bundle(name=name, origin=f"Taguette (schema {db.revision() or '?'})")
        self.codes: dict[int, str] = {}  # tag id -> code uuid
        self.coders: dict[str, str] = {}  # login -> coder uuid
        self.tags_of: dict[int, list[int]] = {}  # highlight id -> tag ids
        self.errors: list[str] = []

    def read(self) -> Bundle:
        b = self.bundle
        row = self.db.rows("SELECT description FROM projects WHERE id = ?", self.pid)
        b.description = row[0][0] or "" if row else ""
        self._tags()
        self._highlight_tags()
        made_by, default = self._who()
        for doc in self._documents():
            self._document(doc, made_by, default)
        if self.errors:
            shown = "; ".join(self.errors[:5])
            raise ImportFileError(self.db.path, "the file is inconsistent, so nothing was "
                                                f"imported: {shown}")
        b.coders = [BCoder(uuid, login) for login, uuid in self.coders.items()]
        return b

    def _tags(self) -> None:
        seen: dict[str, str] = {}
        for tid, path, description in self.db.rows(
                "SELECT id, path, description FROM tags WHERE project_id = ? ORDER BY id",
                self.pid):
            name = " ".join((path or "").split()) or f"Tag {tid}"
            if name.casefold() in seen:
                other, name = seen[name.casefold()], f"{name} ({tid})"
                self.bundle.notes.append(f"the tags '{other}' and '{path}' differ only in "
                                         f"case; the second became the code '{name}'")
            seen[name.casefold()] = path
            self.codes[tid] = new_uuid()
            self.bundle.codes.append(BCode(self.codes[tid], name,
                                           description=description or ""))

    def _highlight_tags(self) -> None:
        for hid, tid in self.db.rows(
                "SELECT ht.highlight_id, ht.tag_id FROM highlight_tags ht JOIN highlights h "
                "ON h.id = ht.highlight_id JOIN documents d ON d.id = h.document_id WHERE "
                "d.project_id = ? ORDER BY ht.highlight_id, ht.tag_id", self.pid):
            self.tags_of.setdefault(hid, []).append(tid)

    def _coder(self, login: str) -> str:
        return self.coders.setdefault(login, new_uuid())

    def _who(self) -> tuple[dict[int, tuple[str, dt.datetime | None]], str]:
        """Who made each highlight and when (from the commands log), and who made the
        ones the log does not name (the project's first administrator)."""
        made_by: dict[int, tuple[str, dt.datetime | None]] = {}
        if {"user_login", "payload", "date"} <= self.db.columns["commands"]:
            for login, date, payload in self.db.rows(
                    "SELECT user_login, date, payload FROM commands WHERE project_id = ? "
                    "ORDER BY id", self.pid):
                hid = _highlight_added(payload)
                if hid is not None:
                    made_by[hid] = (login, _utc(date))
        members = self._members()
        default = members[0] if members else "admin"
        if made_by and {login for login, _ in made_by.values()} == {"admin"}:
            self.bundle.notes.append("Taguette's project export records every highlight as "
                                     "made by 'admin': they are all that coder's")
        return made_by, default

    def _members(self) -> list[str]:
        """The project's members, administrators first; each is a coder, even one who
        made no highlight."""
        if "user_login" not in self.db.columns["project_members"]:
            return []
        members = [login for (login,) in self.db.rows(
            "SELECT user_login FROM project_members WHERE project_id = ? "
            "ORDER BY privileges = 'ADMIN' DESC, user_login", self.pid)]
        for login in members:
            self._coder(login)
        return members

    def _documents(self) -> list[dict]:
        extra = [c for c in ("filename", "created", "text_direction")
                 if c in self.db.columns["documents"]]
        cols = ", ".join(["id", "name", "description", "contents", *extra])
        rows = self.db.rows(f"SELECT {cols} FROM documents WHERE project_id = ? ORDER BY id",
                            self.pid)
        return [dict(zip(["id", "name", "description", "contents", *extra], r, strict=True))
                for r in rows]

    def _document(self, doc: dict, made_by: dict, default: str) -> None:
        shown = render(doc["contents"] or "")
        label = doc["name"] or f"document {doc['id']}"
        if not shown.text.strip():
            self.bundle.unmapped.append(f"document '{label}' has no text; not imported")
            return
        source = BSource(new_uuid(), "article", " ".join((doc["name"] or "").split()),
                         shown.text, meta=self._meta(doc))
        self.bundle.sources.append(source)
        if (doc["description"] or "").strip():
            self.bundle.memos.append(BMemo(new_uuid(), "source", source.uuid,
                                           "Description (from Taguette)", doc["description"]))
        rows = self.db.rows("SELECT id, start_offset, end_offset FROM highlights "
                            "WHERE document_id = ? ORDER BY start_offset, id", doc["id"])
        fits = [r for r in rows if self._fits(r, shown.raw_bytes, label)]
        for (hid, _a, _b), span in zip(fits, shown.spans([(a, b) for _, a, b in fits]),
                                       strict=True):
            self._highlight(hid, span, source, label, made_by.get(hid, (default, None)))

    def _meta(self, doc: dict) -> dict:
        direction = doc.get("text_direction") or "LEFT_TO_RIGHT"
        meta = {"file_name": doc.get("filename") or "", "format": "taguette",
                "extra": {"taguette": {"document_id": doc["id"],
                                       "text_direction": direction}}}
        if doc.get("created"):
            meta["added_at"] = _utc(doc["created"])
        return meta

    def _fits(self, row: tuple, size: int, label: str) -> bool:
        hid, start, end = row
        if isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= size:
            return True
        self.errors.append(f"highlight {hid} in document '{label}' has offsets "
                           f"[{start}, {end}) outside its text of {size} bytes")
        return False

    def _highlight(self, hid: int, span: tuple[int, int] | None, source: BSource,
                   label: str, made: tuple[str, dt.datetime | None]) -> None:
        if span is None:
            self.bundle.unmapped.append(f"highlight {hid} in document '{label}' covers only "
                                        "white space; not imported")
            return
        coder = self._coder(made[0])
        excerpt = BExcerpt(new_uuid(), source.uuid, span[0], span[1], coder,
                           created_at=made[1])
        for tid in self.tags_of.get(hid, []):
            if tid in self.codes:
                excerpt.codings.append(BCoding(new_uuid(), self.codes[tid], coder, made[1]))
            else:
                self.errors.append(f"highlight {hid} has tag {tid}, which is not a tag of "
                                   "its project")
        if not excerpt.codings:
            excerpt.color = MARKER_COLOR
        self.bundle.excerpts.append(excerpt)


def _highlight_added(payload: str | None) -> int | None:
    """The highlight a ``highlight_add`` command made (None for other commands)."""
    try:
        data = json.loads(payload or "{}")
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("type") != "highlight_add":
        return None
    hid = data.get("highlight_id", data.get("id"))
    return hid if isinstance(hid, int) else None


def _utc(value) -> dt.datetime | None:
    """Taguette's naive UTC timestamps as aware datetimes."""
    try:
        when = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)

