"""Desktop test set-up: the bundled fonts, as the application loads them."""

import pytest


@pytest.fixture(autouse=True, scope="session")
def _bundled_fonts(qapp):
    from desktop.fonts import load_bundled_fonts

    assert "Amiri" in load_bundled_fonts()
