"""The bundled sample project builds from resources/sample through the real importers."""

from sqlalchemy import func, select

from db import project
from db.models import Collection, Footnote, Source
from db.resources import resource
from db.sample import ensure_sample_project


def test_sample_project_is_built_once_and_is_bilingual(tmp_path):
    bundled = sorted(p.stat().st_mtime_ns for p in resource("sample").rglob("*"))
    path = ensure_sample_project(tmp_path)
    assert path == tmp_path / "sample.quire" and path.exists()
    assert not list(tmp_path.glob("*partial*"))
    with project.open(path) as proj, proj.sessions() as s:
        kinds = dict(s.execute(select(Source.kind, func.count()).group_by(Source.kind)).all())
        assert kinds["article"] == 4 and kinds["post"] >= 30
        assert {p for (p,) in s.execute(select(Source.platform).distinct())} >= {
            "twitter", "telegram"}
        assert s.scalar(select(func.count()).select_from(Footnote)) >= 10
        texts = s.scalars(select(Source.text)).all()
        assert any("الرقة" in t for t in texts) and any("🕊" in t for t in texts)
        assert "Articles" in s.scalars(select(Collection.name)).all()
        for f in s.scalars(select(Footnote)):
            assert f.source.text[f.offset:f.end] == f"[{f.label}]"
    mtime = path.stat().st_mtime_ns
    assert ensure_sample_project(tmp_path) == path and path.stat().st_mtime_ns == mtime
    assert sorted(p.stat().st_mtime_ns for p in resource("sample").rglob("*")) == bundled
