"""Errors the library raises; the CLI turns each into one clear message and an exit code."""


class IscmError(Exception):
    """Something the user can fix: bad input, a missing build, a wrong setting (exit code 2)."""

    exit_code = 2


class DataError(IscmError):
    """A data, ontology or shapes file cannot be read; the message names the file and the place."""


class NoBuildError(IscmError):
    """No good build exists yet where one is needed."""


class QueryError(IscmError):
    """A SPARQL query is malformed or cannot be evaluated."""


class LimitError(IscmError):
    """A request or query went past one of the endpoint's limits, or no query process could take it.
    Carries the HTTP status to answer with and, for 503, when to try again."""

    def __init__(self, status: int, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.status, self.retry_after = status, retry_after
