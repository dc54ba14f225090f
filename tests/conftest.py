"""Shared test set-up: headless Qt, and isolated user folders for every test."""

import os

import pytest

# Must be set before Qt is imported anywhere: without a display, Qt would abort.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Property tests draw the same examples on every run of `make test` (CI must not turn red
# by chance); QUIRE_HYPOTHESIS_EXPLORE=1 draws new ones, to search further.
from hypothesis import settings  # noqa: E402

settings.register_profile("quire", derandomize=True, database=None)
settings.register_profile("explore", database=None)
settings.load_profile("explore" if os.environ.get("QUIRE_HYPOTHESIS_EXPLORE") else "quire")


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Keep settings, data and caches of every test out of the real user folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("QUIRE_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("QUIRE_CACHE_DIR", str(home / "cache"))
    monkeypatch.setenv("QUIRE_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("QUIRE_CODER", "")
    # no machine-wide defaults (desktop.site_defaults) unless a test writes some here
    monkeypatch.setenv("QUIRE_SITE_DEFAULTS", str(home / "no-site-defaults.toml"))
    return home


# The core suite runs on both engines (DESIGN.md rule 8): every test under tests/db that
# uses ``proj`` runs once on a SQLite file and once on a PostgreSQL database.
# QUIRE_TEST_ENGINES=sqlite runs only the first (a quick local run; CI runs both).
ENGINES = [e for e in os.environ.get("QUIRE_TEST_ENGINES", "sqlite,postgresql").split(",") if e]
_CORE = os.path.join(os.path.dirname(__file__), "db") + os.sep


def pytest_generate_tests(metafunc):
    if "engine" in metafunc.fixturenames and str(metafunc.definition.path).startswith(_CORE):
        metafunc.parametrize("engine", ENGINES, scope="module")


@pytest.fixture
def engine():
    """Which database engine a project fixture uses (parametrized for the core tests)."""
    return "sqlite"


@pytest.fixture(scope="session")
def pg_cluster():
    """One throwaway PostgreSQL server for the whole test session, with a template
    database that already holds a migrated project schema."""
    from tests.postgres_support import TEMPLATE, Cluster

    cluster = Cluster().start()
    try:
        cluster.sql(f'CREATE DATABASE "{TEMPLATE}"')
        _migrate_template(cluster.url(TEMPLATE))
        yield cluster
    finally:
        cluster.stop()


def _migrate_template(url):
    from sqlalchemy import create_engine

    from db import project
    from db.team import schema

    engine = create_engine(url)
    try:
        project.create_on(engine, "template").close()
        with engine.begin() as conn:  # the server's roles, policies and triggers too
            schema.install(conn)
    finally:
        engine.dispose()


def new_project(engine: str, folder, request):
    """A new, empty project on ``engine``: a SQLite file in ``folder``, or a PostgreSQL
    database copied from the session's template (dropped when ``request`` ends).
    Closing the project is the caller's."""
    from db import project
    from tests.project_support import new_project_file

    if engine == "postgresql":
        return project.open_url(_pg_database(request))
    return project.open(new_project_file(folder / "test.quire"))


def _pg_database(request) -> str:
    from tests.postgres_support import TEMPLATE

    cluster = request.getfixturevalue("pg_cluster")
    name = cluster.new_database(template=TEMPLATE)
    cluster.sql("UPDATE project SET uuid = gen_random_uuid()::text, name = 'test'", name)
    request.addfinalizer(lambda: cluster.drop_database(name))
    return cluster.url(name)


@pytest.fixture
def pg_project_url(request):
    """A URL to a fresh PostgreSQL project database (dropped after the test)."""
    return _pg_database(request)


@pytest.fixture
def proj(tmp_path, engine, request):
    """A new, empty project (a SQLite file, or a PostgreSQL database for the core suite's
    second run) that is closed after the test."""
    p = new_project(engine, tmp_path, request)
    yield p
    p.close()


# --- team projects: a server that asks for passwords -------------------------------------
SUPERPASS = "s3cret-super"


@pytest.fixture(scope="session")
def scram():
    """A server of its own that asks every login for a password."""
    from tests.postgres_support import Cluster

    cluster = Cluster(auth="scram-sha-256", password=SUPERPASS).start()
    yield cluster
    cluster.stop()


@pytest.fixture
def team(scram, tmp_path, monkeypatch):
    """A new team project on the SCRAM server, created by its superuser, who owns it.
    Passwords come from a ``.pgpass`` file, as libpq reads them (never from the URL)."""
    from db.team.admin import init_project

    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{scram.port}:*:postgres:{SUPERPASS}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    name = scram.new_database()
    init_project(scram.url(name), name="Class of 2026")
    yield scram.url(name), pgpass
    scram.drop_database(name)
