"""Quire's headless core: the project database and everything done to it without a window.

Nothing in this package imports Qt or the ``desktop`` package (DESIGN.md rule 1).
"""

__version__ = "0.1.0"
