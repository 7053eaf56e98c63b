"""Errors a service raises for the clerk to read (Chinese)."""

from __future__ import annotations


class ServiceError(Exception):
    """A use case could not be carried out; ``str(err)`` is a Chinese message."""


class ValidationError(ServiceError):
    """The input was refused; ``problems`` lists every reason, in Chinese."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class NotFound(ServiceError):
    pass
