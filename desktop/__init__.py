"""Quire's PySide6 application and its ``quire`` command line.

This package's ``__init__`` imports nothing from Qt, so the headless subcommands of
``desktop.cli`` run on machines without a display (and without loading Qt at all).
"""
