"""latchkey.Host: the credential host, shared by every thread of a process."""

import datetime
import os
import threading
import weakref

from . import _latchkey
from ._errors import HostClosedError

__all__ = ["Host", "Credential", "default_host"]


class Credential:
    """A credential as the host hands it out.

    `header_name`/`header_value` make the header to send; `expires_at` is a
    Unix time in seconds (None: does not expire); `extras` are the non-secret
    fields the provider kept (instance_url, scope, ...); `agent_socket` is
    the socket of the running `latchkey agent` that served it (None: this
    process got it itself). The token never shows in repr().
    """

    __slots__ = ("token", "token_type", "header_name", "header_value", "expires_at",
                 "obtained_at", "extras", "agent_socket")

    def __init__(self, token, token_type, header_name, header_value, expires_at_ms,
                 obtained_at_ms, extras, agent_socket=None):
        self.token = token
        self.token_type = token_type
        self.header_name = header_name
        self.header_value = header_value
        self.expires_at = expires_at_ms / 1000 if expires_at_ms else None
        self.obtained_at = obtained_at_ms / 1000
        self.extras = extras
        self.agent_socket = agent_socket

    @property
    def header(self):
        """The whole header line: "Authorization: Bearer ..."."""
        return f"{self.header_name}: {self.header_value}"

    def __repr__(self):
        return (f"<latchkey.Credential {self.header_name} ({self.token_type or 'bare'}), "
                f"expires_at={self.expires_at}>")


def _site(site):
    if site is None:
        return ""
    if not isinstance(site, str):
        raise TypeError(f"site must be a str or None, not {type(site).__name__}")
    return site


def _min_valid_ms(min_valid):
    if min_valid is None:
        return 0
    if isinstance(min_valid, datetime.timedelta):
        seconds = min_valid.total_seconds()
    elif isinstance(min_valid, (int, float)) and not isinstance(min_valid, bool):
        seconds = float(min_valid)
    else:
        raise TypeError("min_valid must be seconds (int or float), a datetime.timedelta or None, "
                        f"not {type(min_valid).__name__}")
    if not seconds >= 0 or seconds > 365 * 86400:
        raise ValueError(f"min_valid must be between 0 and 365 days, not {min_valid!r}")
    return int(seconds * 1000)


def _strings(name, values):
    if values is None:
        return []
    if isinstance(values, str) or not all(isinstance(v, str) for v in values):
        raise TypeError(f"{name} must be a list of str")
    return list(values)


def _optional_str(name, value):
    if value is not None and not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a str or None, not {type(value).__name__}")
    return None if value is None else os.fspath(value)


# Hosts of this process, so that a forked child can drop the parent's handles.
_hosts = weakref.WeakSet()


class Host:
    """The credential host: latchkey::Host for Python.

    Host(config=None, site=None, sets=None) opens the policy the way the
    `latchkey` command does (config: --config, else LATCHKEY_CONFIG, else
    $XDG_CONFIG_HOME/latchkey/config.toml; site: --at, else LATCHKEY_SITE,
    else default_site; sets: ["key=value", ...] like --set). Credentials are
    kept where the command keeps them: the policy's store, else `storage`
    (default "file", so a `latchkey login` is seen here and a token fetched
    here serves the command and other processes).

    When a `latchkey agent` serves the same policy, tokens come from it (the
    site's secrets stay with the agent) and invalidate() goes to it; when
    none answers or it declines, the Host works alone, within the same call,
    with the same results and exceptions. Credential.agent_socket says who
    served; work_alone=True (or LATCHKEY_AGENT=off) never asks an agent, and
    neither do `sets` or `plugin_dirs`.

    One Host serves every thread: a cached token is read without a lock, a
    refresh happens once however many threads ask (the others wait, or keep
    the still-valid token). After os.fork() the child's Host opens the
    policy again on first use (the parent's may have been busy, with its
    locks held, at the moment of the fork); the parent's is untouched.
    """

    def __init__(self, config=None, site=None, sets=None, *, plugin_dirs=None, storage="file",
                 log_level=None, work_alone=False, _interactive=False):
        self._options = (
            _optional_str("config", config),
            _optional_str("site", site),
            _strings("sets", sets),
            [os.fspath(d) for d in _strings("plugin_dirs", plugin_dirs)],
            _optional_str("storage", storage) or "file",
            bool(_interactive),
            _optional_str("log_level", log_level),
            bool(work_alone),
        )
        self._closed = False
        self._lock = threading.Lock()
        self._handle = _latchkey.Handle(*self._options)
        _hosts.add(self)

    def _h(self):
        h = self._handle
        return h if h is not None else self._reopen()

    def _reopen(self):
        with self._lock:
            if self._closed:
                raise HostClosedError("this latchkey.Host is closed; open a new one")
            if self._handle is None:
                self._handle = _latchkey.Handle(*self._options)
            return self._handle

    def _forget_after_fork(self):
        # In the child: a new lock (the parent's may be held), no handle.
        self._lock = threading.Lock()
        self._handle = None

    def token(self, site=None, min_valid=None):
        """The token for `site` (None: the selected site), valid for at least
        `min_valid` more seconds (or a timedelta) when given."""
        h = self._handle
        if h is not None and min_valid is None and (site is None or type(site) is str):
            return h.token(site or "", 0)  # the hot path, checks inlined
        return self._h().token(_site(site), _min_valid_ms(min_valid))

    def credential(self, site=None, min_valid=None):
        """The whole Credential: token, header, expiry, extras."""
        return Credential(*self._h().credential(_site(site), _min_valid_ms(min_valid)))

    def header(self, site=None, min_valid=None):
        """(name, value) of the header to send, e.g. ("Authorization", "Bearer ...")."""
        c = self._h().credential(_site(site), _min_valid_ms(min_valid))
        return (c[2], c[3])

    def invalidate(self, site=None, token=None):
        """The server refused `token` (HTTP 401): forget it, so that the next
        call fetches a new one. When another thread already replaced it,
        nothing is dropped: many requests refused at once cause one fetch.
        token=None forgets whatever is cached."""
        if token is not None and not isinstance(token, str):
            raise TypeError(f"token must be a str or None, not {type(token).__name__}")
        self._h().invalidate(_site(site), token)

    def sites(self):
        """The policy's site names, sorted."""
        return self._h().sites()

    @property
    def selected_site(self):
        """The site used when none is named."""
        return self._h().selected_site()

    def provider(self, site=None):
        """The provider `site` uses ("oauth2-client-credentials", ...)."""
        return self._h().site_provider(_site(site))

    def close(self):
        """Drops every cached credential (wiped). Later calls raise HostClosedError."""
        with self._lock:
            self._closed = True
            h, self._handle = self._handle, None
        if h is not None:
            h.close()

    @property
    def closed(self):
        return self._closed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"<latchkey.Host{' (closed)' if self._closed else ''}>"


_default = None
_default_lock = threading.Lock()


def default_host():
    """The Host the auth classes use when given none: opened on first use
    with the default policy resolution (LATCHKEY_CONFIG, LATCHKEY_SITE, ...)."""
    global _default
    h = _default
    if h is None:
        with _default_lock:
            if _default is None:
                _default = Host()
            h = _default
    return h


def _after_fork_in_child():
    global _default_lock
    _default_lock = threading.Lock()
    for host in list(_hosts):
        host._forget_after_fork()


os.register_at_fork(after_in_child=_after_fork_in_child)
