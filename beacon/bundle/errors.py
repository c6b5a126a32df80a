"""The error report of an import: every problem, each as ``file:line: column: reason``."""


class BundleErrors(Exception):
    """Raised when a bundle cannot be imported. ``messages`` lists every problem found."""

    def __init__(self, messages=None):
        self.messages: list[str] = list(messages or [])
        super().__init__("\n".join(self.messages))

    def add(self, message: str) -> None:
        self.messages.append(message)
        self.args = ("\n".join(self.messages),)

    def extend(self, messages) -> None:
        for message in messages:
            self.add(message)

    def __bool__(self) -> bool:
        return bool(self.messages)

    def raise_if_any(self) -> None:
        if self.messages:
            raise BundleErrors(self.messages)

    def report(self) -> str:
        count = len(self.messages)
        noun = "problem" if count == 1 else "problems"
        return f"The bundle was not imported: {count} {noun}; nothing was written.\n" + "\n".join(self.messages)
