"""Bulk work with the cyclic garbage collector doing less: imports and document rendering.

Python's collector runs every 700 allocations of container objects, and each run of its oldest
generation rescans every object alive in the process: Django's registries, the modules, a loaded
model. Work that makes hundreds of thousands of short-lived objects (an import's rows, WeasyPrint's
boxes) spends much of its time there; :func:`fewer_collections` freezes what is alive when it
starts out of the collector's scans and lets it run less often. Reference counting still frees
each object as soon as it is done with, and cycles are still collected, just less often.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

BULK_GC_THRESHOLD = (500_000, 50, 50)
"""The collector's thresholds during bulk work (Python's default is (700, 10, 10))."""

_lock = threading.Lock()
_users = 0
_saved: tuple[int, int, int] | None = None


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run bulk work with the collector doing less: the objects that exist when it starts are
    frozen out of its scans, and it runs after 500,000 allocations rather than 700.

    Measured: a 40,000-observation import spent about a quarter of its time in the collector; a
    1,000,000-observation import took 53.1 s with a collection every 50,000 allocations, 50.3 s
    with every 500,000 and 49.3 s with none, its peak memory the same 328 MB each time. The demo
    QPR's PDF spent 0.6-0.9 s of 3.2-4.0 s in 570 collections; with this, 2.6-2.9 s and 3 MB more
    at its peak (``docs/performance.md``).

    Process-wide, so nested and concurrent uses (two threads of one server) share one setting:
    the first to start sets it, the last to finish puts back what was there."""
    global _users, _saved
    with _lock:
        if _users == 0:
            _saved = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(*BULK_GC_THRESHOLD)
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0:
                gc.set_threshold(*_saved)
                gc.unfreeze()
