"""The one user-facing error type, and the formatting of its single line."""

from __future__ import annotations

from collections.abc import Iterable


class UserError(Exception):
    """Bad input from the user: printed as one ``file:line:col: message`` line, exit code 2."""

    def __init__(
        self, message: str, file: str | None = None, line: int | None = None, col: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.col = col

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.line, self.col) if p is not None)
        return f"{where}: {self.message}" if where else self.message


class UserErrors(UserError):
    """Several user errors found in one pass (``rules validate`` reports them all)."""

    def __init__(self, errors: list[UserError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


def did_you_mean(value: object, valid: Iterable[str]) -> str:
    """`` (did you mean "x"?)`` plus the valid values, for an invalid ``value``."""
    import difflib  # only on the error path

    valid = sorted(valid)
    close = difflib.get_close_matches(str(value), valid, n=1, cutoff=0.6)
    hint = f' (did you mean "{close[0]}"?)' if close else ""
    return f"{hint}; valid values: {', '.join(valid)}" if valid else hint
