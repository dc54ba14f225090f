"""The bundled sample project: built from ``resources/sample`` into the user's data folder.

The sample ships as the original files (articles and platform exports), not as a
project file, so it always matches the current schema; it is imported into a fresh
project the first time it is asked for, and the bundled files are never touched.
"""

from __future__ import annotations

from pathlib import Path

from db import project
from db.exchange.teaching import add_teaching_set
from db.importing import ImportReport, import_paths
from db.resources import data_dir, resource

SAMPLE_NAME = "Quire sample"


def ensure_sample_project(folder: Path | None = None) -> Path:
    """The path of the user's copy of the sample project, creating it when missing."""
    path = (folder or data_dir()) / "sample.quire"
    if not path.exists():
        build_sample_project(path)
    return path


def build_sample_project(path: Path) -> ImportReport:
    """Create a project at ``path`` holding the bundled sample collection."""
    tmp = path.with_name(path.stem + ".partial.quire")
    tmp.unlink(missing_ok=True)
    with project.create(tmp, name=SAMPLE_NAME) as proj, proj.sessions() as s:
        report, _ = import_paths(s, [resource("sample", "articles")], collection="Articles")
        for export in sorted(resource("sample", "posts").iterdir()):
            more, _ = import_paths(s, [export])
            report.files += more.files
        add_teaching_set(s)  # the starter codebook and the exercise memo
        s.commit()
    for suffix in ("-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    tmp.replace(path)  # appear whole or not at all
    return report
