"""What a reader is shown of where a change came from (a revision's ``source``).

An import records the path it read (``/tmp/upload-x1/bundle (observations.csv)``); a reader is
shown only the file's name (``bundle (observations.csv)``), never the server's directories.
A period label (``2022/23``) is not a path.
"""

from __future__ import annotations

import re

_PERIOD = re.compile(r"^\d{4}/\d{2}$")
_TOKEN = re.compile(r"[^\s()\[\],;]+")


def _name(token: str) -> str:
    if "/" not in token and "\\" not in token:
        return token
    if _PERIOD.match(token):
        return token
    parts = [p for p in re.split(r"[\\/]+", token) if p]
    return parts[-1] if parts else token


def source_shown(source: str) -> str:
    """``source`` with every path cut to its last part: ``import /work/x/risks.csv`` becomes
    ``import risks.csv``; ``web return 2022/23 Q2 CS`` is unchanged."""
    return _TOKEN.sub(lambda m: _name(m.group(0)), source or "")
