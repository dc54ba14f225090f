"""Every command that takes a project file takes a team project's address too; on a team
project the coder is the signed-in login, and a password is never printed."""

import json

import pytest

from desktop.cli_project import project_target
from tests.cli.support import run_quire


@pytest.fixture
def classroom(capsys, scram, tmp_path, monkeypatch):
    """A team project made with ``quire new URL``, a coder sara, and a text file."""
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{scram.port}:*:postgres:s3cret-super\n"
                      f"127.0.0.1:{scram.port}:*:sara:sara-pass\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    monkeypatch.setenv("QUIRE_CODER", "someone-else")  # the login wins on a team project
    owner = scram.url(scram.new_database()).replace("+psycopg", "")
    code, out, err = run_quire(capsys, "new", owner, "--name", "Seminar")
    assert code == 0 and "created team project 'Seminar'" in out, err
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("sara-pass\n"))
    assert run_quire(capsys, "server", "add", owner, "sara", "--password-stdin")[0] == 0
    assert run_quire(capsys, "server", "option", owner, "open_codebook", "on")[0] == 0
    note = tmp_path / "note.txt"
    note.write_text("A field note\n\nPeople left at dawn.\n", encoding="utf-8")
    return owner, owner.replace("postgres@", "sara@"), note


def test_commands_work_on_a_team_project_address(classroom, capsys):
    owner, sara, note = classroom
    code, out, err = run_quire(capsys, "import", owner, note)
    assert code == 0 and "1 source(s) added" in out, err
    code, out, err = run_quire(capsys, "sources", sara, "--json")
    assert code == 0, err
    (row,) = json.loads(out)
    assert row["title"] == "A field note"
    code, out, err = run_quire(capsys, "code", sara, "--code", "Leaving", "--source",
                               row["id"], "--start", 14, "--end", 33)
    assert code == 0, err
    code, out, _ = run_quire(capsys, "excerpts", owner, "--json")
    (excerpt,) = json.loads(out)
    assert excerpt["coder"] == "sara" and excerpt["text"] == "People left at dawn"
    code, out, _ = run_quire(capsys, "search", sara, "dawn")
    assert code == 0 and "People left at" in out
    code, out, err = run_quire(capsys, "memo", sara, "--on", "project", "--text", "Why dawn?")
    assert code == 0, err
    code, out, _ = run_quire(capsys, "history", sara, "--json")
    assert {(e["coder"], e["label"].split()[0]) for e in json.loads(out)} >= {
        ("sara", "Apply"), ("sara", "New")}
    code, out, err = run_quire(capsys, "undo", sara)
    assert code == 0 and "undid" in out, err
    code, out, err = run_quire(capsys, "codes", owner)
    assert code == 0 and "Leaving" in out, err


def test_a_reader_is_told_what_the_server_refused(classroom, capsys, monkeypatch):
    owner, _, note = classroom
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("lena-pass\n"))
    run_quire(capsys, "server", "add", owner, "lena", "--role", "reader", "--password-stdin")
    lena = owner.replace("postgres@", "lena:lena-pass@")
    code, out, err = run_quire(capsys, "import", lena, note)
    assert code == 2 and "permission denied" in err and "Traceback" not in err
    assert "Your role on this team project does not allow" in err
    assert "lena-pass" not in out + err
    assert "holds a password" in err  # the address was warned about, not echoed


def test_a_password_is_never_printed(capsys, scram):
    bad = scram.url("postgres").replace("postgres@", "postgres:wrong-horse@")
    for argv in (("sources", bad), ("search", bad, "x"), ("undo", bad), ("codes", bad)):
        code, out, err = run_quire(capsys, *argv)
        assert code == 2 and "password authentication failed" in err, err
        assert "wrong-horse" not in out + err
    with pytest.raises(SystemExit):  # argparse's own usage error
        run_quire(capsys, "sources", "postgresql://u:horse-2@127.0.0.1:5432")
    err = capsys.readouterr().err
    assert "names no database" in err and "horse-2" not in err


def test_an_address_is_not_taken_for_a_path():
    assert project_target("postgresql://sara@lab-server:5432/seminar") == \
        "postgresql://sara@lab-server:5432/seminar"
    assert str(project_target("study.quire")) == "study.quire"


def test_a_connection_service_file_names_the_server(classroom, capsys, scram, tmp_path,
                                                    monkeypatch):
    owner, _, note = classroom
    database = owner.rsplit("/", 1)[1]
    service = tmp_path / "pg_service.conf"
    service.write_text(f"[seminar]\nhost=127.0.0.1\nport={scram.port}\ndbname={database}\n"
                       "user=sara\n")
    monkeypatch.setenv("PGSERVICEFILE", str(service))
    code, out, err = run_quire(capsys, "codes", "postgresql://?service=seminar")
    assert code == 0, err
    code, out, err = run_quire(capsys, "memo", "postgresql://?service=seminar", "--on",
                               "project", "--text", "From the service file")
    assert code == 0, err
    code, out, _ = run_quire(capsys, "memos", owner, "--json")
    assert [m["author"] for m in json.loads(out)] == ["sara"]
