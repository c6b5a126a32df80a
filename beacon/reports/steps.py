"""Progress of long work (publishing, packs) for whoever watches it.

The functions that do long work (:func:`beacon.reports.publish.publish`,
:func:`beacon.reports.packs.dispatch`, :func:`beacon.reports.packs.assemble`) take a
``progress`` (a :class:`beacon.core.jobs.Progress` when they run as a background job, see
:mod:`beacon.reports.jobs`), or None: :func:`steps` then gives a progress that records nothing,
so the work itself is written once."""

from __future__ import annotations


class Quiet:
    """A progress nobody watches."""

    def total(self, n: int) -> None:
        pass

    def step(self, message: str, advance: int = 1) -> None:
        pass


QUIET = Quiet()


def steps(progress):
    """``progress``, or one that records nothing."""
    return QUIET if progress is None else progress
