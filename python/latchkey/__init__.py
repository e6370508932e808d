"""latchkey for Python: credentials from latchkey's cache, refresh, storage
and providers, in-process.

    import latchkey, requests
    requests.get(url, auth=latchkey.requests.Auth("planet"))

    host = latchkey.Host()                 # the same policy as the `latchkey` command
    host.token("planet")                   # cached, refreshed ahead of expiry
    host.invalidate("planet", token)       # after the server refused `token`

`latchkey.requests` and `latchkey.httpx` are imported on first use, so
neither library is needed unless used.
"""

from ._errors import (ConfigError, Error, HostClosedError, InternalError, LoginRequired,
                      PluginError, RejectedError, StorageError, TransientError, UsageError)
from ._host import Credential, Host, default_host
from ._latchkey import version as _version
from ._login import login

__version__ = _version()

__all__ = [
    "Host", "Credential", "default_host", "login", "Error", "UsageError", "HostClosedError",
    "ConfigError", "PluginError", "RejectedError", "TransientError", "LoginRequired",
    "StorageError", "InternalError",
]


def __getattr__(name):
    # latchkey.requests / latchkey.httpx without importing them eagerly.
    if name in ("requests", "httpx"):
        import importlib
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'latchkey' has no attribute {name!r}")
