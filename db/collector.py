"""Keeping Python's cycle collector out of bulk work.

The cyclic garbage collector runs after every 700 new container objects and, now and
then, walks every object of the process. An import makes a dozen per post (the record,
its draft, its row) and listing every hit of a search thousands per batch, none of them
in a cycle (reference counting frees them); the collections cost a fifth of an import
and a third of listing every hit (measured). :func:`fewer_collections` lets it run less
often while such work goes on, and puts the setting back when the last user is done.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_FEWER = 20_000
_lock = threading.Lock()
_users = 0
_saved: tuple[int, ...] = ()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Let the garbage collector run less often while bulk work makes many objects."""
    global _users, _saved
    with _lock:
        if _users == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(max(_FEWER, _saved[0]), *_saved[1:])
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0:
                gc.set_threshold(*_saved)
