"""The team commands: a class server set up, filled and copied from the command line."""

import io

from db import project
from tests.cli.support import run_quire


def test_a_class_server_from_the_command_line(capsys, scram, tmp_path, monkeypatch):
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{scram.port}:*:postgres:s3cret-super\n"
                      f"127.0.0.1:{scram.port}:*:sara:sara-pass\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    url = scram.url(scram.new_database()).replace("+psycopg", "")
    code, out, _ = run_quire(capsys, "server", "init", url, "--name", "Seminar")
    assert code == 0 and "created team project 'Seminar'" in out
    monkeypatch.setattr("sys.stdin", io.StringIO("sara-pass\n"))
    code, out, _ = run_quire(capsys, "server", "add", url, "sara", "--role", "coder",
                             "--password-stdin")
    assert code == 0 and "sara is now a coder" in out
    assert "sara-pass" not in out
    code, out, _ = run_quire(capsys, "server", "members", url)
    assert "sara" in out and "coder" in out
    local = tmp_path / "local.quire"
    run_quire(capsys, "new", local)
    code, out, _ = run_quire(capsys, "push", local, url)
    assert code == 0, out
    code, out, _ = run_quire(capsys, "server", "option", url, "blind", "on")
    assert code == 0 and "blind is on" in out
    copy = tmp_path / "sara.quire"
    sara = url.replace("postgres@", "sara@")
    code, out, err = run_quire(capsys, "pull", sara, copy)
    assert code == 0, err
    with project.open(copy) as p:
        assert p.name == "local"


def test_a_refused_password_is_a_sentence_without_the_password(capsys, scram):
    url = scram.url("postgres").replace("postgres@", "postgres:wrong-horse@")
    code, out, err = run_quire(capsys, "server", "members", url)
    assert code == 2 and "password authentication failed" in err
    assert "wrong-horse" not in out + err
