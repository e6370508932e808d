"""latchkey's exceptions: one class per kind of latchkey::ErrorKind.

Every message is written for the person who has to fix it (what failed,
where, the next step) and never holds a secret.
"""

__all__ = [
    "Error", "UsageError", "HostClosedError", "ConfigError", "PluginError", "RejectedError",
    "TransientError", "LoginRequired", "StorageError", "InternalError",
]


class Error(Exception):
    """Any latchkey failure. `kind` is the ErrorKind's name ("config", ...)."""

    kind = "internal"

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class UsageError(Error, ValueError):
    """The call was wrong: a bad argument, or a Host used after close()."""

    kind = "usage"


class HostClosedError(UsageError):
    """The Host was closed; open a new one."""


class ConfigError(Error):
    """The policy is wrong, or names no such site.

    `file`, `line` and `column` give the policy position the message names
    (None when it names none).
    """

    kind = "config"

    def __init__(self, message, file=None, line=None, column=None):
        super().__init__(message)
        self.file, self.line, self.column = file, line, column


class PluginError(Error):
    """A provider plugin was refused (the message names the file)."""

    kind = "plugin"


class RejectedError(Error):
    """The server refused the site's credentials."""

    kind = "rejected"


class TransientError(Error):
    """Network or server trouble that outlasted latchkey's retries."""

    kind = "transient"


class LoginRequired(Error):
    """A person must log in first: `command` is what to run
    ("latchkey login --at SITE"), or call latchkey.login(SITE)."""

    kind = "login_required"

    def __init__(self, message, command):
        super().__init__(message)
        self.command = command


class StorageError(Error):
    """The token store is unusable (permissions, damage, a lost key)."""

    kind = "storage"


class InternalError(Error):
    """A bug or an unexpected answer."""

    kind = "internal"


_BY_KIND = {c.kind: c for c in (UsageError, ConfigError, PluginError, RejectedError,
                                 TransientError, LoginRequired, StorageError, InternalError)}


def from_c(kind, message, file, line, column, command):
    """The exception for a failed C API call (called by latchkey._latchkey)."""
    if kind == "config":
        if file is None:
            return ConfigError(message)
        return ConfigError(message, file, line, column)
    if kind == "login_required":
        return LoginRequired(message, command)
    if kind == "usage" and "is closed" in message:
        return HostClosedError(message)
    return _BY_KIND.get(kind, InternalError)(message)
