"""A full disk at each stage that writes: importing, an operation, the checkpoint at
close, the backup before an upgrade, and exports. Each ends in one sentence saying what
was kept, and nothing already in the project is lost (integrity check, row counts).

The disk is a real tmpfs of a few hundred kilobytes (see support.py)."""

import shutil

import pytest
from sqlalchemy import func, select

from db import project
from db.errors import DiskFullError, ExportError, ProjectError
from db.exchange.refi_export import export_qdc, export_qdpx
from db.export.pdf import export_pdf
from db.export.selection import Selection
from db.importing import import_paths
from db.models import Source
from db.ops.memos import create_memo
from tests.cli.support import run_quire
from tests.db.faults.support import assert_kept, fill, filled_project, holdings, small_disk


@pytest.fixture
def disk():
    with small_disk(4096) as mount:
        yield mount


@pytest.fixture
def study(disk):
    return filled_project(disk)


def _many(folder, n=120):
    folder.mkdir()
    for i in range(n):
        (folder / f"a{i:03}.txt").write_text(f"Article {i}. " + "Aid reached the city. " * 150,
                                             encoding="utf-8")
    return folder


def test_an_import_onto_a_full_disk_says_how_many_sources_were_kept(study, disk, tmp_path):
    files = _many(tmp_path / "many")
    before = holdings(study)
    fill(disk, leave_kb=120)
    with (project.open(study) as proj, proj.sessions() as s,
          pytest.raises(DiskFullError, match="the disk is full") as err):
        import_paths(s, [files])
    kept = int(str(err.value).split("The import stopped there: ")[1].split(" ")[0])
    assert 0 < kept < 120
    (disk / "filler").unlink()
    assert_kept(study, before, sources=kept, imports=1)  # the run's record, unfinished
    assert holdings(study)["sources"] == before["sources"] + kept


def test_the_cli_import_onto_a_full_disk_is_one_sentence(study, disk, tmp_path, capsys):
    files = _many(tmp_path / "many")
    before = holdings(study)
    fill(disk, leave_kb=120)
    code, out, err = run_quire(capsys, "import", study, files)
    assert code == 2 and "Traceback" not in err and "0 failed" not in out
    assert err.startswith(f"quire: {study}: the disk is full") and "were saved" not in err
    assert "The import stopped there:" in err
    (disk / "filler").unlink()
    assert_kept(study, before, sources=120, imports=1)


def test_an_operation_on_a_full_disk_is_undone_whole(study, disk):
    before = holdings(study)
    with project.open(study) as proj:
        fill(disk)
        with (pytest.raises(DiskFullError, match="the last change was not saved"),
              proj.session() as s):
            create_memo(s, target="project", body="x" * 400_000)
    (disk / "filler").unlink()
    assert holdings(study) == before


def test_a_full_disk_at_close_keeps_the_journal_for_next_time(study, disk):
    with project.open(study) as proj:
        with proj.engine.connect() as c:
            c.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
        with proj.session() as s:
            create_memo(s, target="project", body="kept in the journal " * 2000)
        before = holdings(study)
        fill(disk)
    (disk / "filler").unlink()
    assert holdings(study) == before


def test_a_failed_backup_before_an_upgrade_leaves_no_empty_backup(study, disk, tmp_path,
                                                                  monkeypatch):
    from tests.db.test_project import NEXT_REVISION

    future = tmp_path / "migrations"
    shutil.copytree(project._MIGRATIONS, future)
    head = project.head_revision()
    (future / "versions" / "0999_future.py").write_text(NEXT_REVISION.format(head=head))
    monkeypatch.setattr(project, "_MIGRATIONS", future)
    image = study.read_bytes()
    fill(disk, leave_kb=96)  # room to open it, not for a copy
    with pytest.raises(ProjectError, match="backup made first could not be written "
                                           r"\(the disk is full\); the project was not"):
        project.open(study)
    assert sorted(p.name for p in disk.iterdir()) == ["articles", "filler", "study.quire"]
    assert study.read_bytes() == image


@pytest.mark.parametrize("kind", ["pdf", "qdpx", "qdc"])
def test_an_export_onto_a_full_disk_leaves_nothing_behind(study, disk, kind):
    before = holdings(study)
    fill(disk)
    target = disk / f"out.{kind}"
    with project.open(study) as proj, proj.sessions() as s:
        with pytest.raises(ExportError, match="the disk is full"):
            if kind == "pdf":
                export_pdf(s, Selection(), target)
            elif kind == "qdpx":
                export_qdpx(s, target)
            else:
                export_qdc(s, target)
        assert s.scalar(select(func.count()).select_from(Source)) == before["sources"]
    assert sorted(p.name for p in disk.iterdir()) == ["articles", "filler", "study.quire"]
    (disk / "filler").unlink()
    assert holdings(study) == before
