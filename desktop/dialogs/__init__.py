"""Dialogs of the Quire window: each one a thin shell over core functions in ``db``."""
