"""The command line facing faults: one sentence on standard error, never a traceback."""

import os
import subprocess
import sys
from pathlib import Path

from db import project
from db.exchange.refi_export import export_qdc
from tests.cli.support import run_quire
from tests.db.faults.support import filled_project, shared_folder, unprivileged

ROOT = Path(__file__).resolve().parents[2]


def test_a_damaged_project_is_one_sentence(tmp_path, capsys):
    study = filled_project(tmp_path)
    study.write_bytes(study.read_bytes()[:4096] + b"\x5a" * 40_000)
    code, out, err = run_quire(capsys, "sources", study)
    assert code == 2 and err.startswith(f"quire: {study}: the project file is damaged")
    assert "Traceback" not in err and err.count("\n") == 1


def test_a_read_only_folder_lists_and_refuses_to_write(capsys):
    folder = shared_folder()
    study = filled_project(folder)
    folder.chmod(0o555)
    try:
        with unprivileged():
            code, out, _ = run_quire(capsys, "sources", study)
            assert code == 0 and out.rstrip().endswith("3 source(s)")
            code, _, err = run_quire(capsys, "code", study, "--code", "New", "--source", 1,
                                     "--start", 0, "--end", 5)
    finally:
        folder.chmod(0o777)
    assert code == 2 and "open for reading only (its folder" in err


def test_a_code_path_with_a_doubled_slash_works_every_time(tmp_path, capsys):
    study = filled_project(tmp_path)
    for start in (0, 30):
        code, _, err = run_quire(capsys, "code", study, "--code", "A//B", "--source", 1,
                                 "--start", start, "--end", start + 5)
        assert code == 0, err
    _, out, _ = run_quire(capsys, "codes", study)
    assert out.count(" B ") == 1


def test_json_piped_into_head_ends_quietly(tmp_path):
    study = filled_project(tmp_path)
    cmd = (f"{sys.executable} -c 'import sys; from desktop.cli import main; "
           f"sys.exit(main(sys.argv[1:]))' sources {study} --json | head -c 5")
    done = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.stdout == "[\n  {" and done.stderr == "" and done.returncode == 0


def test_exports_get_a_normal_file_mode_and_leftovers_are_removed(tmp_path):
    study = filled_project(tmp_path)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    leftover = tmp_path / f".book-{dead.pid}-x1y2.part"
    leftover.write_bytes(b"")  # what a killed export leaves
    with project.open(study) as proj, proj.sessions() as s:
        target = export_qdc(s, tmp_path / "book.qdc")
    mask = os.umask(0o022)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
    assert not leftover.exists()
