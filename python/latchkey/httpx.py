"""latchkey.httpx.Auth: latchkey credentials for httpx, sync and async.

    import httpx, latchkey
    with httpx.Client(auth=latchkey.httpx.Auth("planet")) as client:
        client.get("https://api.planet.com/data/v1/item-types")

Each request gets the site's current header. A 401 answer invalidates the
token that request carried (once, however many requests were refused at
the same time) and the request is sent again, once, with the new one.

In an async client the host is asked from a worker thread: a refresh
(or a wait for another task's refresh) takes a network round trip, and
the event loop keeps running other tasks meanwhile. anyio's threads are
used, so asyncio and trio both work.
"""

import anyio.to_thread
import httpx as _httpx

from ._auth import SiteAuth

__all__ = ["Auth"]


class Auth(SiteAuth, _httpx.Auth):
    """httpx auth for a latchkey site (None: the selected site), from `host`
    (default: latchkey.default_host())."""

    # The body is kept so that the request can be sent again after a 401.
    requires_request_body = True

    @staticmethod
    def _apply(request, c):
        request.headers[c.header_name] = c.header_value

    def sync_auth_flow(self, request):
        host = self._host()
        c = host.credential(self.site)
        self._apply(request, c)
        response = yield request
        if response.status_code == 401:
            host.invalidate(self.site, c.token)
            self._apply(request, host.credential(self.site))
            yield request

    async def async_auth_flow(self, request):
        host = self._host()
        c = await anyio.to_thread.run_sync(host.credential, self.site)
        self._apply(request, c)
        response = yield request
        if response.status_code == 401:
            await anyio.to_thread.run_sync(host.invalidate, self.site, c.token)
            self._apply(request, await anyio.to_thread.run_sync(host.credential, self.site))
            yield request
