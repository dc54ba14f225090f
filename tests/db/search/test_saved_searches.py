"""Saved searches: save, rename, delete, each undone by its inverse."""

import pytest

from db.errors import SavedSearchNameError
from db.ops.saved_searches import delete_search, rename_search, save_search, saved_searches


def test_save_rename_delete_and_undo(proj):
    with proj.session() as s:
        saved = save_search(s, name="Raqqa returns", query='"families returned"',
                            options={"stemmed": True})
        sid = saved.value
    with proj.session() as s:
        renamed = rename_search(s, search_id=sid, name="Returns")
        assert [r["name"] for r in saved_searches(s)] == ["Returns"]
    with proj.session() as s:
        renamed.inverse(s)
        assert saved_searches(s)[0]["name"] == "Raqqa returns"
    with proj.session() as s:
        deleted = delete_search(s, search_id=sid)
        assert saved_searches(s) == []
    with proj.session() as s:
        deleted.inverse(s)
        [row] = saved_searches(s)
    assert row == {"id": sid, "name": "Raqqa returns", "query": '"families returned"',
                   "options": {"stemmed": True}}
    with proj.session() as s:
        saved.inverse(s)
        assert saved_searches(s) == []


def test_names_must_be_given_and_unique(proj):
    with proj.session() as s:
        save_search(s, name="A", query="a")
        with pytest.raises(SavedSearchNameError, match="already"):
            save_search(s, name=" A ", query="b")
        with pytest.raises(SavedSearchNameError, match="needs a name"):
            save_search(s, name="  ", query="b")
