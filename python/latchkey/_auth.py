"""What the auth classes of latchkey.requests and latchkey.httpx share."""

from ._host import _site, default_host


class SiteAuth:
    """A latchkey site (None: the selected site) served by `host` (default:
    latchkey.default_host(), opened on first use)."""

    def __init__(self, site=None, host=None):
        _site(site)
        self.site = site
        self.host = host

    def _host(self):
        return self.host if self.host is not None else default_host()
