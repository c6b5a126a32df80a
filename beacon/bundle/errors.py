"""The error report of an import: every problem, each as ``file:line: column: reason``.

A bundle with 200,000 bad rows must not take minutes to refuse or return a page of megabytes:
the first :data:`MAX_LISTED` problems are kept and shown, the rest are counted ("and 199,900
more problems"). Adding a problem is constant work; the joined text is built only when asked for.
"""

MAX_LISTED = 100
"""How many problems an error report keeps and lists; the others are counted."""


class BundleErrors(Exception):
    """Raised when a bundle cannot be imported. ``messages`` lists the problems found (the first
    :data:`MAX_LISTED`, then a line saying how many more); ``count`` is how many there are."""

    def __init__(self, messages=None, *, limit: int = MAX_LISTED):
        super().__init__()
        self.limit = limit
        self.kept: list[str] = []
        self.count = 0
        self.extend(messages or [])

    def add(self, message: str) -> None:
        self.count += 1
        if len(self.kept) < self.limit:
            self.kept.append(message)

    def extend(self, messages) -> None:
        if isinstance(messages, BundleErrors):  # another report: keep its count, not only what it lists
            for message in messages.kept:
                self.add(message)
            self.count += messages.count - len(messages.kept)
            return
        for message in messages:
            self.add(message)

    @property
    def more(self) -> int:
        """How many problems were counted but not kept."""
        return self.count - len(self.kept)

    @property
    def messages(self) -> list[str]:
        listed = list(self.kept)
        if self.more:
            listed.append(f"and {self.more:,} more {'problem' if self.more == 1 else 'problems'} "
                          f"(the first {len(self.kept):,} are listed)")
        return listed

    def __str__(self) -> str:
        return "\n".join(self.messages)

    def __bool__(self) -> bool:
        return bool(self.count)

    def raise_if_any(self) -> None:
        if self.count:
            raise self._copy()

    def _copy(self) -> "BundleErrors":
        copy = BundleErrors(limit=self.limit)
        copy.extend(self)
        return copy

    def report(self) -> str:
        noun = "problem" if self.count == 1 else "problems"
        return f"The bundle was not imported: {self.count:,} {noun}; nothing was written.\n" + "\n".join(self.messages)
