"""latchkey.requests.Auth: latchkey credentials for requests.

    import latchkey, requests
    session = requests.Session()
    session.auth = latchkey.requests.Auth("planet")
    session.get("https://api.planet.com/data/v1/item-types")

Each request gets the site's current header. A 401 answer invalidates the
token that request carried (once, however many requests were refused at
the same time) and the request is sent again, once, with the new one.
"""

import requests as _requests
from requests.auth import AuthBase
from requests.cookies import extract_cookies_to_jar

from ._auth import SiteAuth

__all__ = ["Auth"]


class Auth(SiteAuth, AuthBase):
    """requests auth for a latchkey site (None: the selected site), from
    `host` (default: latchkey.default_host())."""

    def _apply(self, request):
        c = self._host().credential(self.site)
        request.headers[c.header_name] = c.header_value
        request._latchkey_token = c.token
        # Where a streamed body starts, to send it again after a 401.
        try:
            request._latchkey_body_pos = request.body.tell()
        except AttributeError:
            request._latchkey_body_pos = None
        return request

    def __call__(self, request):
        self._apply(request)
        request._latchkey_retried = False
        request.register_hook("response", self._on_response)
        return request

    def _on_response(self, response, **kwargs):
        request = response.request
        if response.status_code != 401 or getattr(request, "_latchkey_retried", True):
            return response
        self._host().invalidate(self.site, request._latchkey_token)
        pos = request._latchkey_body_pos
        if pos is not None:
            request.body.seek(pos)
        # Free the connection before reusing it.
        response.content
        response.close()
        retry = request.copy()
        extract_cookies_to_jar(retry._cookies, request, response.raw)
        retry.prepare_cookies(retry._cookies)
        self._apply(retry)
        retry._latchkey_retried = True
        again = response.connection.send(retry, **kwargs)
        again.history.append(response)
        again.request = retry
        return again


# requests is imported above so that a missing python3-requests fails here,
# naming the module, rather than on first use.
del _requests
