"""The import pipeline: files and folders in, sources out, with a report per file.

This is a long task (DESIGN.md rule 5): it takes ``progress`` and ``cancelled``
callables, and unlike a plain operation it commits as it goes, in chunks, so that
Cancel or a crash leaves a valid project holding every source finished so far. A
source is written whole (text, footnotes, collections) or not at all. The whole run is
one :class:`ImportBatch`, whose inverse operation removes what it added (rule 4), found
by the batch's id; given a :class:`db.history.Recorder`, the run is recorded as a history
step in its first commit and completed in its last, so a run killed half-way can still
be undone as one step after a restart.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from db import changes, importers
from db.bulk import insert_rows
from db.changes import Changes
from db.citations.csl import csl_for_draft
from db.collector import fewer_collections
from db.errors import ImportCancelled, ImportFileError, ProjectError
from db.failures import unreadable_reason
from db.history import Recorder
from db.import_codes import PassageWriter, made_rows
from db.importers.base import (
    ARTICLE,
    POST,
    Cancelled,
    FileRead,
    PassageDraft,
    Progress,
    ReadOptions,
    SourceDraft,
)
from db.importers.tabular import preview
from db.jsontext import dumps_record
from db.mappings import fit_mapping, remembered_mapping
from db.models import (
    Coder,
    Collection,
    Footnote,
    ImportBatch,
    Source,
    new_uuid,
    source_collections,
    utcnow,
)
from db.ops import OpResult
from db.ops.sources import import_cover
from db.restore import undoable
from db.state import State, absent
from db.text import text_hash

# Sources written and committed at a time. Each commit writes again every index page the
# chunk touched (the text hashes fall at random), so fewer, larger commits keep an import
# of a million posts near linear (a chunk in memory is some 20 MB, whatever the size).
CHUNK = 5000
IMPORTED, SKIPPED, FAILED = "imported", "skipped", "failed"


@dataclass
class FileOutcome:
    """What happened to one file."""

    path: str
    status: str = IMPORTED
    format: str = ""
    added: int = 0
    duplicates: int = 0
    coded: int = 0  # rows repeating a post already read that added codes to it
    reason: str = ""
    warnings: list[str] = field(default_factory=list)

    def line(self) -> str:
        """One human-readable line for the report."""
        name = Path(self.path).name
        if self.status == FAILED:
            return f"FAILED   {name}: {self.reason}"
        if self.status == SKIPPED:
            return f"skipped  {name}: {self.reason}"
        dup = f", {self.duplicates} already in the project" if self.duplicates else ""
        dup += f", {self.coded} repeated row(s) added codes to their post" if self.coded else ""
        warn = f", {len(self.warnings)} warning(s)" if self.warnings else ""
        note = f" ({self.reason})" if self.reason else ""
        return f"imported {name} ({self.format}): {self.added} source(s){dup}{warn}{note}"


@dataclass
class ImportReport:
    """The outcome of a whole import run."""

    batch_id: int | None = None
    files: list[FileOutcome] = field(default_factory=list)
    cancelled: bool = False
    made: dict[str, list[int]] = field(default_factory=dict)  # by coded passages (undo)

    @property
    def added(self) -> int:
        return sum(f.added for f in self.files)

    @property
    def failed(self) -> list[FileOutcome]:
        return [f for f in self.files if f.status == FAILED]

    def lines(self) -> list[str]:
        """The report as lines of text, one per file, then a summary."""
        out = [f.line() for f in self.files]
        for f in self.files:
            out += [f"  warning  {Path(f.path).name}: {w}" for w in f.warnings[:20]]
        tail = " (cancelled)" if self.cancelled else ""
        out.append(f"{self.added} source(s) added from {len(self.files)} file(s), "
                   f"{len(self.failed)} failed{tail}")
        made = {k: len(v) for k, v in self.made.items()}
        if any(made.values()):
            out.append(f"coded passages: {made.get('excerpts', 0)} excerpt(s) and "
                       f"{made.get('codings', 0)} coding(s) added, {made.get('codes', 0)} "
                       "new code(s)")
        return out

    def to_dict(self) -> dict:
        return {"batch_id": self.batch_id, "cancelled": self.cancelled, "added": self.added,
                "files": [asdict(f) for f in self.files], "made": self.made}


def expand(paths: Iterable[str | Path]) -> list[Path]:
    """Files to import: the files given, and every visible file under the folders given."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and not _hidden(f, p))
        else:
            out.append(p)
    return out


def _hidden(f: Path, root: Path) -> bool:
    rel = f.relative_to(root).parts
    return any(part.startswith((".", "~$")) for part in rel) or f.suffix == ".quire"


def import_paths(
    session: Session,
    paths: Iterable[str | Path],
    *,
    collection: str = "",
    options: ReadOptions | None = None,
    coder: str = "",
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    recorder: Recorder | None = None,
) -> tuple[ImportReport, OpResult]:
    """Import files and folders into the project; commits after every chunk of sources.

    Returns the report and an :class:`OpResult` whose inverse removes what was imported.
    ``recorder`` records the run as one step of the history from its first commit.
    """
    files = expand(paths)
    run = _Run(session, collection, options or ReadOptions(), progress, cancelled)
    run.start(coder, recorder, _label([str(f) for f in files]))
    try:
        with fewer_collections():
            for i, path in enumerate(files):
                run.tick(i, len(files), f"Reading {path.name}")
                run.report.files.append(run.import_file(path))
    except ImportCancelled:
        run.report.cancelled = True
    except ProjectError as exc:  # the project itself failed (full disk, file gone...)
        raise run.stopped(exc) from exc
    before = State().covering(*import_cover(run.batch.id)).merge(
        absent(made_rows(session, run.passages.made)))  # coded passages go with it
    result = undoable(run.changes, before,
                      _label([f.path for f in run.report.files if f.added]), run.report)
    result.recorded = recorder is not None
    run.finish(len(files), result)
    return run.report, result


def _label(paths: list[str]) -> str:
    if not paths:
        return "Import"
    what = Path(paths[0]).name if len(paths) == 1 else f"{len(paths)} files"
    return f"Import {what}"


class _Run:
    """The state of one import run: its batch, caches and report."""

    def __init__(self, session: Session, collection: str, options: ReadOptions,
                 progress: Progress | None, cancelled: Cancelled | None):
        self.s, self.collection, self.options = session, collection, options
        self.progress = progress or (lambda *a: None)
        self.cancelled = cancelled or (lambda: False)
        self.report, self.changes = ImportReport(), Changes()
        self._collections: dict[str, int] = {}
        self._repeats: list[tuple[tuple, SourceDraft]] = []

    def start(self, coder: str, recorder: Recorder | None, label: str) -> None:
        coder_id = _coder_id(self.s, coder) if coder else None
        self.batch = ImportBatch(coder_id=coder_id)
        self.s.add(self.batch)
        self.s.flush()
        self.recorder = recorder
        if recorder is not None:
            recorder.started(self.s, State().covering(*import_cover(self.batch.id)), label)
        self.s.commit()
        self.report.batch_id = self.batch.id
        self.passages = PassageWriter(self.s, coder_id, self.changes)
        self.report.made = self.passages.made

    def finish(self, total: int, result: OpResult) -> None:
        """Complete the batch record; a run that added nothing leaves none (nor a step)."""
        if result.changes:
            self.batch.finished_at = utcnow()
            self.batch.report = self.report.to_dict()
        else:
            self.s.delete(self.batch)
            self.report.batch_id = None
        if self.recorder is not None:
            self.s.flush()
            self.recorder.finished(self.s, result)
        self.s.commit()
        self.progress(total, total, "Import finished")

    def stopped(self, exc: ProjectError) -> ProjectError:
        """``exc`` saying how much of the import had been saved when the project failed."""
        self.s.rollback()
        return exc.add_sentence(f"The import stopped there: {self.report.added} source(s) "
                                "from it had been saved before")

    def tick(self, done: int, total: int, message: str) -> None:
        if self.cancelled():
            raise ImportCancelled()
        self.progress(done, total, message)

    def import_file(self, path: Path) -> FileOutcome:
        out = FileOutcome(str(path))
        try:
            digest = _file_hash(path)
            if (dup := self._already_imported(digest)) is not None:
                return _skip(out, f"already in the project (as '{dup}')")
            imp, read = importers.read(path, self._options_for(path))
            out.format = imp.label
            self._write(path, digest, read, out)
            out.warnings += read.warnings
        except ImportFileError as exc:
            self.s.rollback()
            out.status, out.reason = FAILED, exc.reason
        except OSError as exc:
            self.s.rollback()
            out.status, out.reason = FAILED, f"cannot be read ({exc.strerror or exc})"
        except ProjectError:
            out.status, out.reason = FAILED, "the project could not be written"
            self.report.files.append(out)
            raise
        except ImportCancelled:
            # The chunks committed before Cancel stay in the project: report them too.
            out.reason = "cut short by Cancel; what was read before it is kept"
            self.report.files.append(out)
            raise
        except Exception as exc:  # noqa: BLE001 - one bad file never stops the batch
            self.s.rollback()
            out.status, out.reason = FAILED, unreadable_reason(exc) + _kept(out)
        if out.status == IMPORTED and not out.added and not out.coded:
            out.status = SKIPPED
            out.reason = out.reason or "everything in it is already in the project"
        return out

    def _options_for(self, path: Path) -> ReadOptions:
        """The user's options, or the column mapping remembered for this file's columns."""
        if self.options.mapping or self.options.format not in ("", "tabular"):
            return self.options
        if not self.options.format and importers.detect(path).name != "tabular":
            return self.options
        columns = preview(path, rows=0)[0]
        remembered = remembered_mapping(self.s, columns)
        if remembered is None:
            return self.options
        return ReadOptions(format="tabular", mapping=fit_mapping(remembered, columns))

    def _already_imported(self, digest: str) -> str | None:
        """The title of an article already imported from a file with these bytes.

        Only articles: a post file may have been cut short by Cancel or a crash, and
        importing it again must add the rest (its posts already here are skipped by id).
        """
        q = (select(Source.title, Source.file_name)
             .where(Source.file_hash == digest, Source.kind == ARTICLE).limit(1))
        row = self.s.execute(q).first()
        return None if row is None else (row.title or row.file_name)

    def _write(self, path: Path, digest: str, read: FileRead, out: FileOutcome) -> None:
        default = self.collection or read.collection
        drafts = (d for d in read.drafts if _has_text(d, out))
        try:
            while chunk := list(islice(drafts, CHUNK)):
                if fresh := self._new_only(chunk, out):
                    written = self._write_chunk(fresh, path, digest, default, out)
                    self.s.commit()
                    out.added += written
                self.tick(0, 0, f"{path.name}: {out.added} source(s)")
            self._write_repeats(out)
            self.s.commit()
        except ImportFileError as exc:
            self.s.rollback()
            out.status, out.reason = FAILED, exc.reason + _kept(out)
        except ImportCancelled:
            self.s.rollback()
            out.reason = "cancelled"
            raise

    def _new_only(self, chunk: list[SourceDraft], out: FileOutcome) -> list[SourceDraft]:
        """The drafts of ``chunk`` not in the project yet: posts by their id (asked of the
        project a chunk at a time, so that memory does not grow with it, and checked
        against those earlier in the chunk), other sources by their text."""
        known = set(self._repeated_sources([("post", d.platform, d.post_id) for d in chunk
                                            if d.kind == POST and d.post_id]))
        fresh = []
        for d in chunk:
            if d.kind == POST and d.post_id:
                key = ("post", d.platform, d.post_id)
                if key in known:
                    self._repeat(key, d, out)
                    continue
                known.add(key)
            elif self._same_text(d):
                self._repeat(("text", text_hash(d.text)), d, out)
                continue
            fresh.append(d)
        return fresh

    def _repeat(self, key: tuple, d: SourceDraft, out: FileOutcome) -> None:
        """A draft of a post already read: its codes go to that post, else it is a
        duplicate."""
        if d.passages:
            self._repeats.append((key, d))
        else:
            out.duplicates += 1

    def _write_repeats(self, out: FileOutcome) -> None:
        found = self._repeated_sources([key for key, _ in self._repeats])
        items = []
        for key, d in self._repeats:
            row = found.get(key)
            if row is None:
                out.duplicates += 1
            elif row.text_hash == text_hash(d.text):
                items.append((row.id, d.passages))
            else:  # the same post with another text: its codes go to the whole post
                items.append((row.id, [PassageDraft(0, row.length, p.codes, p.whole_names)
                                       for p in d.passages]))
        added = self.passages.write(items)
        out.coded += sum(1 for n in added if n)
        out.duplicates += sum(1 for n in added if not n)
        self._repeats.clear()

    def _repeated_sources(self, keys: list[tuple]) -> dict[tuple, Any]:
        """The sources in the project that ``keys`` name: ("post", platform, id) or
        ("text", hash) -> (id, length, text_hash)."""
        cols = (Source.id, Source.length, Source.text_hash, Source.platform, Source.post_id)
        wanted: dict[tuple, set[str]] = {}
        for key in keys:
            wanted.setdefault(key[:-1], set()).add(key[-1])
        out: dict[tuple, Any] = {}
        for head, values in wanted.items():
            ordered = sorted(values)
            for i in range(0, len(ordered), 900):
                part = ordered[i:i + 900]
                where = (Source.platform == head[1], Source.post_id.in_(part)) \
                    if head[0] == "post" else (Source.text_hash.in_(part),)
                for r in self.s.execute(select(*cols).where(*where)):
                    out.setdefault((*head, r.post_id if head[0] == "post" else r.text_hash), r)
        return out

    def _same_text(self, d: SourceDraft) -> bool:
        q = select(Source.id).where(Source.text_hash == text_hash(d.text)).limit(1)
        return self.s.scalar(q) is not None

    def _write_chunk(self, chunk: list[SourceDraft], path: Path, digest: str,
                     default: str, out: FileOutcome) -> int:
        now = utcnow()  # one time for the chunk, not a call per row
        rows = [_source_row(d, path, digest, self.batch.id, now) for d in chunk]
        ids = _insert_sources(self.s, rows)
        self._write_footnotes(chunk, ids)
        self._write_memberships(chunk, ids, default)
        self.passages.write([(sid, d.passages) for d, sid in zip(chunk, ids, strict=True)
                             if d.passages])
        self._write_repeats(out)
        changes.log(self.s, Source.__tablename__, ids)
        self.changes.add(Source.__tablename__, ids)
        return len(ids)

    def _write_footnotes(self, chunk: list[SourceDraft], ids: list[int]) -> None:
        rows = [{"source_id": sid, "label": f.label, "text": f.text, "offset": f.offset,
                 "end": f.end, "kind": f.kind}
                for d, sid in zip(chunk, ids, strict=True) for f in d.footnotes]
        if rows:
            for r in rows:
                r["uuid"] = new_uuid()
            ids = self.s.scalars(insert(Footnote).returning(Footnote.id), rows)
            changes.log(self.s, Footnote.__tablename__, list(ids))

    def _write_memberships(self, chunk: list[SourceDraft], ids: list[int], default: str) -> None:
        rows = []
        for d, sid in zip(chunk, ids, strict=True):
            name = self.collection or d.extra.get("collection") or default
            if name:
                rows.append({"source_id": sid, "collection_id": self._collection_id(name)})
        insert_rows(self.s, source_collections, rows)

    def _collection_id(self, name: str) -> int:
        if name not in self._collections:
            q = select(Collection.id).where(Collection.name == name,
                                            Collection.parent_id.is_(None))
            cid = self.s.scalar(q)
            if cid is None:
                made = Collection(name=name, import_id=self.batch.id)
                self.s.add(made)
                self.s.flush()
                cid = made.id
                self.changes.add(Collection.__tablename__, [cid])
            self._collections[name] = cid
        return self._collections[name]


def _has_text(d: SourceDraft, out: FileOutcome) -> bool:
    if d.text.strip():
        return True
    out.warnings.append(f"'{d.title or d.post_id}' has no text and was skipped")
    return False


def _kept(out: FileOutcome) -> str:
    return f"; the {out.added} source(s) read before it are kept" if out.added else ""


def _insert_sources(session: Session, rows: list[dict]) -> list[int]:
    """Insert source rows in one ``executemany`` and return their ids in row order.

    An ``INSERT ... RETURNING`` kept in parameter order is run a row at a time on SQLite;
    the ids are found instead by the rows' new UUIDs (a unique column). The rows go
    through the driver (:func:`db.bulk.insert_rows`), not Core's per-row processing.
    """
    insert_rows(session, Source.__table__, rows)
    found: dict[str, int] = {}
    uuids = [r["uuid"] for r in rows]
    for i in range(0, len(uuids), 900):
        q = select(Source.uuid, Source.id).where(Source.uuid.in_(uuids[i:i + 900]))
        found.update((u, i) for u, i in session.execute(q))
    return [found[u] for u in uuids]


def _skip(out: FileOutcome, reason: str) -> FileOutcome:
    out.status, out.reason = SKIPPED, reason
    return out


def _coder_id(session: Session, name: str) -> int:
    coder = session.scalar(select(Coder).where(Coder.name == name))
    if coder is None:
        coder = Coder(name=name)
        session.add(coder)
        session.flush()
    return coder.id


def _file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def _source_row(d: SourceDraft, path: Path, digest: str, batch_id: int,
                added_at: dt.datetime) -> dict:
    """The sources row of a draft: its fields by name (``insert_rows`` leaves out those
    that name no column, its footnotes and passages), and what the import adds."""
    return {
        **vars(d), "uuid": new_uuid(), "length": len(d.text), "text_hash": text_hash(d.text),
        "file_hash": digest, "file_name": path.name, "format": d.extra.get("format", ""),
        "post_id": d.post_id or None, "raw": _raw_json(d.raw),
        "extra": {k: v for k, v in d.extra.items() if k != "collection"},
        "csl": csl_for_draft(d), "import_id": batch_id, "added_at": added_at,
    }


def _raw_json(raw) -> str | None:
    """The platform's record as JSON."""
    return None if raw is None else dumps_record(raw)
