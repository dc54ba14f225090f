"""One hand-worked project (support.py) shared by the analysis tests of a module, on
each database engine."""

import pytest

from tests.conftest import new_project
from tests.db.analysis.support import build


@pytest.fixture(scope="module")
def small_project(tmp_path_factory, engine, request):
    """The project of support.py and its ids, made once per module, closed after it."""
    proj = new_project(engine, tmp_path_factory.mktemp("analysis"), request)
    small = build(proj)
    yield proj, small
    proj.close()
