"""How long a sign-in must wait after failures: a progressive delay, never a hard lock.

A hard lock (refuse everything for 15 minutes after five failures) needs no credentials to
trigger: anyone who knows a colleague's username could keep them out. A progressive delay
only slows guessing: the first ``free`` failures cost nothing, then each further attempt must
wait twice as long as the one before (2, 4, 8 ... seconds), up to ``cap`` seconds; the right
password after the wait still signs in. See ``docs/security.md``.
"""

from __future__ import annotations

__all__ = ["delay_after", "wait_words"]


def delay_after(failures: int, free: int, cap: int) -> int:
    """Seconds an attempt must wait after ``failures`` failures in a row (0: no wait).

    >>> [delay_after(n, 5, 900) for n in (0, 4, 5, 6, 7, 14, 40)]
    [0, 0, 2, 4, 8, 900, 900]
    """
    if failures < max(1, free):
        return 0
    steps = failures - max(1, free) + 1
    if steps >= 32:  # 2**32 seconds is already far beyond any cap
        return max(0, cap)
    return max(0, min(cap, 2**steps))


def wait_words(seconds: int) -> str:
    """``1 second``, ``45 seconds``, ``2 minutes``, ``15 minutes``: a wait, for people (rounded up)."""
    seconds = max(1, int(seconds))
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = (seconds + 59) // 60
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
