"""The project file moved, deleted or put back under the open project, a leftover
journal, and files that are not Quire's: never silent, never written to."""

import os
import sqlite3
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from db import project, projectfile
from db.errors import DamagedProjectError, NotAProjectError, ProjectFileMovedError
from db.importing import import_paths
from db.models import Source
from db.ops.codes import create_code
from tests.db.faults.support import assert_kept, holdings


def _add_codes(proj, names):
    with proj.session() as s:
        for name in names:
            create_code(s, name=name)


def test_commits_reach_a_renamed_file_and_later_ones_are_refused(study, tmp_path):
    before = holdings(study)
    proj = project.open(study)
    with proj.engine.connect() as c:
        c.exec_driver_sql("PRAGMA wal_autocheckpoint=0")  # all of it stays in the journal
    _add_codes(proj, ["Before the move"])
    moved = tmp_path / "renamed.quire"
    os.rename(study, moved)
    assert proj.file_problem() == "was moved, renamed or deleted"
    with pytest.raises(ProjectFileMovedError, match="renamed.quire") as err:
        _add_codes(proj, ["After the move"])
    assert err.value.now_at == str(moved)
    proj.close()
    assert_kept(moved, before, codes=1)
    assert holdings(moved)["codes"] == before["codes"] + 1  # the commit before the move


def test_a_deleted_file_can_be_saved_elsewhere_whole(study, tmp_path):
    proj = project.open(study)
    _add_codes(proj, ["Kept"])
    before = holdings(study)
    os.unlink(study)
    with pytest.raises(ProjectFileMovedError, match="was deleted while open"):
        _add_codes(proj, ["Refused"])
    rescued = proj.save_copy(tmp_path / "rescued.quire")
    proj.close()
    assert holdings(rescued) == before
    with project.open(rescued) as again:
        assert again.uuid == proj.uuid


def test_importing_into_a_file_deleted_mid_run_fails_saying_so(study, tmp_path):
    folder = tmp_path / "more"
    folder.mkdir()
    for i in range(3):
        (folder / f"m{i}.txt").write_text(f"More text number {i} about aid.", encoding="utf-8")

    def delete_after_first(done, total, message):
        if done == 1 and study.exists():
            os.unlink(study)

    with (project.open(study) as proj, proj.sessions() as s,
          pytest.raises(ProjectFileMovedError, match="deleted") as err):
        import_paths(s, [folder], progress=delete_after_first)
    assert "1 source(s) from it had been saved before" in str(err.value)


def _kill_after_move(path, moved):
    """A process commits, the file is moved away, and the process dies: its journal is
    left beside the old name."""
    code = (
        "import os, sqlite3, sys, time\n"
        "c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA wal_autocheckpoint=0')\n"
        "c.execute(\"UPDATE sources SET title = 'changed'\"); c.commit()\n"
        "os.rename(sys.argv[1], sys.argv[2]); print('ready', flush=True); time.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(path), str(moved)],
                            stdout=subprocess.PIPE)
    proc.stdout.readline()
    proc.kill()
    proc.wait()


def test_a_stale_journal_beside_a_copy_put_back_is_refused_then_set_aside(study, tmp_path):
    copy = tmp_path / "copy.quire"
    with project.open(study) as proj:  # an older copy, from before more work was added
        proj.save_copy(copy)
    with project.open(study) as proj, proj.sessions() as s:
        import_paths(s, [_many_articles(tmp_path, 40)])
    _kill_after_move(study, tmp_path / "moved.quire")
    os.replace(copy, study)  # the researcher puts the older copy back
    wal = projectfile.journal(study)
    assert wal.stat().st_size > 0
    image = study.read_bytes(), wal.read_bytes()
    with pytest.raises(DamagedProjectError, match="does not belong to this copy"):
        project.open(study)
    assert (study.read_bytes(), wal.read_bytes()) == image  # neither file was changed
    aside = projectfile.set_journal_aside(study)
    assert aside.read_bytes() == image[1]
    with project.open(study) as proj, proj.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Source)) == 3


def _many_articles(tmp_path, n):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(n):
        (folder / f"a{i}.txt").write_text(f"Article {i}. " + "Text about aid. " * 200,
                                          encoding="utf-8")
    return folder


def test_a_leftover_journal_of_the_same_file_is_replayed(study, tmp_path):
    code = (
        "import sqlite3, sys, time\n"
        "c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA wal_autocheckpoint=0')\n"
        "c.execute(\"UPDATE sources SET title = 'after crash' WHERE id = 1\"); c.commit()\n"
        "print('ready', flush=True); time.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(study)], stdout=subprocess.PIPE)
    proc.stdout.readline()
    proc.kill()
    proc.wait()
    assert projectfile.leftover_journal(study)
    with project.open(study) as proj, proj.sessions() as s:
        assert s.get(Source, 1).title == "after crash"


def test_a_live_journal_of_another_connection_is_not_leftover(study):
    with project.open(study) as proj:
        with proj.engine.connect() as c:
            c.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
        _add_codes(proj, ["Live"])
        assert projectfile.journal(study).stat().st_size > 0
        assert not projectfile.leftover_journal(study)


@pytest.mark.parametrize("make", ["empty", "foreign_id", "foreign_tables"])
def test_sqlite_files_of_other_programs_are_never_written(tmp_path, make):
    path = tmp_path / "other.quire"
    con = sqlite3.connect(path)
    if make == "foreign_id":
        con.execute("PRAGMA application_id=1234")
        con.execute("CREATE TABLE project (x)")
        con.execute("CREATE TABLE alembic_version (version_num)")
    elif make == "foreign_tables":
        con.execute("CREATE TABLE notes (x)")
    else:
        con.execute("VACUUM")  # a valid SQLite file with no tables
    con.commit()
    con.close()
    image = path.read_bytes()
    with pytest.raises(NotAProjectError, match="another program"):
        project.open(path)
    assert path.read_bytes() == image
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.quire"]


def test_new_projects_carry_quires_application_id(tmp_path):
    with project.create(tmp_path / "a.quire") as proj, proj.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA application_id").scalar() == project.APPLICATION_ID


@pytest.mark.parametrize("damage", ["truncate", "scramble"])
def test_a_truncated_or_corrupt_file_is_named_and_left_alone(study, damage):
    with project.open(study) as proj, proj.sessions() as s:
        import_paths(s, [_many_articles(study.parent, 30)])
    data = study.read_bytes()
    if damage == "truncate":
        data = data[: len(data) // 3]
    else:
        data = data[:4096] + bytes(b ^ 0x5A for b in data[4096:])
    study.write_bytes(data)
    with (pytest.raises(DamagedProjectError, match="study.quire: the project file is damaged"),
          project.open(study) as proj, proj.sessions() as s):
        list(s.scalars(select(Source.text)))
    assert study.read_bytes() == data
