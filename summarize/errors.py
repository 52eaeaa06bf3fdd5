"""Errors a user can act on. The CLI prints them as one line and exits non-zero."""


class SummarizeError(Exception):
    """Base class: the message is shown to the user as is."""


class InputError(SummarizeError):
    """The input cannot be read or holds nothing to work on."""


class ModelError(SummarizeError):
    """A model cannot be built, found or loaded."""


class ConfigError(SummarizeError, ValueError):
    """An argument or option is out of range or of the wrong kind.

    Also a ``ValueError``, so code written against the standard meaning still catches it.
    """


class BudgetError(ConfigError):
    """A summary budget is out of range."""


class InputWarning(UserWarning):
    """Something in the input was read in a way worth saying (NUL characters read as
    spaces, folder entries skipped); the CLI prints each as one line."""
