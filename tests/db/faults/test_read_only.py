"""Read-only project files and folders: opened for reading (listing works), every write
refused in one sentence, the file unchanged."""

import pytest
from sqlalchemy import func, select

from db import project
from db.errors import ReadOnlyProjectError
from db.models import Source
from db.ops.codes import create_code
from db.queries import sources as source_queries
from tests.db.faults.support import filled_project, holdings, unprivileged


@pytest.fixture
def study(shared):
    return filled_project(shared)


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_project_is_listed_and_never_written(study, what):
    before, image = holdings(study), study.read_bytes()
    (study if what == "file" else study.parent).chmod(0o444 if what == "file" else 0o555)
    try:
        with unprivileged(), project.open(study) as proj:
            assert what in proj.read_only
            with proj.sessions() as s:
                assert len(source_queries.listing(s)) == 3
                assert s.scalar(select(func.count()).select_from(Source)) == 3
            with (pytest.raises(ReadOnlyProjectError, match="open for reading only"),
                  proj.session() as s):
                create_code(s, name="Refused")
    finally:
        study.chmod(0o644)
        study.parent.chmod(0o777)
    assert study.read_bytes() == image and holdings(study) == before
