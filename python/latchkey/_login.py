"""latchkey.login(site): `latchkey login` from Python."""

import datetime
import sys
import time

from ._host import Host

__all__ = ["login"]


def _duration(ms):
    s = abs(ms) // 1000
    d, h, m, sec = s // 86400, s % 86400 // 3600, s % 3600 // 60, s % 60
    if d:
        return f"{d}d {h}h"
    if h:
        return f"{h}h {m}m"
    if m:
        return f"{m}m {sec}s"
    return f"{sec}s"


def _expiry(expires_at_ms, now_ms):
    if not expires_at_ms:
        return "does not expire"
    left = expires_at_ms - now_ms
    if left <= 0:
        return f"expired {_duration(left)}"
    when = datetime.datetime.fromtimestamp(expires_at_ms // 1000, datetime.timezone.utc)
    return f"expires in {_duration(left)} ({when.strftime('%Y-%m-%dT%H:%M:%SZ')})"


def login(site=None, *, config=None, sets=None, force=False, file=None):
    """Logs in to `site` the way `latchkey login` does, interactively: the
    provider's address, code or prompt go to standard error, and the line the
    command prints goes to `file` (default sys.stdout). Stores the credential
    where the policy says (the same store the command uses) and returns it.
    """
    from ._host import Credential

    with Host(config, site, sets, _interactive=True) as host:
        name = site or host.selected_site
        provider = host.provider(name)
        started = int(time.time() * 1000)
        c = Credential(*host._h().login(name, bool(force)))
        now = int(time.time() * 1000)
    fetched = c.obtained_at * 1000 >= started
    print(f"{'logged in to' if fetched else 'already logged in to'} {name} (provider {provider}); "
          f"credential {_expiry(int((c.expires_at or 0) * 1000), now)}", file=file or sys.stdout)
    return c
