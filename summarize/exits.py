"""Exit statuses of the `summarize` command: one meaning each, documented in docs/cli.md.

Scripts branch on them (`summarize digest ... || case $? in 3) ...`), so a status never
changes meaning; the CLI maps every error to one of these in one place, ``exit_code``.
"""

from __future__ import annotations

from .errors import ConfigError, ModelError

OK = 0
INPUT_ERROR = 1  # an input cannot be read, is empty, or holds nothing to summarise
USAGE_ERROR = 2  # an unknown option, a bad value or combination of options
PARTIAL_FAILURE = 3  # a batch finished, but some of its records failed (each is named)
MODEL_ERROR = 4  # a model cannot be found, built or loaded
INTERRUPTED = 130  # Ctrl-C (128 + SIGINT), as shells report it
BROKEN_PIPE = 141  # the reader of standard output went away (`| head`): 128 + SIGPIPE

TABLE = (
    (OK, "success"),
    (INPUT_ERROR, "input error: a file cannot be read, is empty, or has nothing to summarise"),
    (USAGE_ERROR, "usage error: unknown option, bad value, options that exclude each other"),
    (PARTIAL_FAILURE, "partial failure: a batch ran, but some records failed (named on stderr)"),
    (MODEL_ERROR, "model error: a model cannot be found, built or loaded"),
    (INTERRUPTED, "interrupted (Ctrl-C)"),
    (BROKEN_PIPE, "standard output was closed early (e.g. `| head`); nothing is printed"),
)


def exit_code(exc: BaseException) -> int:
    """The status for an error the user can act on."""
    if isinstance(exc, ConfigError):
        return USAGE_ERROR
    if isinstance(exc, ModelError):
        return MODEL_ERROR
    return INPUT_ERROR  # InputError, any other SummarizeError, an OSError on a file
