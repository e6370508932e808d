"""latchkey.requests.Auth with the real requests library against the dev
server, whose /api/whoami answers 401 to anything but a live token."""

import time
import unittest

import requests

import latchkey
from support import CountingHost, ServerTest, policy, wait_until


class RequestsAuth(ServerTest):
    def test_calls_carry_the_current_token(self):
        with latchkey.Host(self.config) as host:
            auth = latchkey.requests.Auth("svc", host=host)
            with requests.Session() as s:
                s.auth = auth
                for _ in range(3):
                    r = s.get(self.server.url + "/api/whoami", timeout=10)
                    self.assertEqual(r.status_code, 200, r.text)
                    self.assertEqual(r.json()["client_id"], "demo")
            self.assertEqual(self.server.token_requests(), 1)

    def test_a_revoked_token_is_invalidated_once_and_the_request_retried_once(self):
        with latchkey.Host(self.config) as real:
            host = CountingHost(real)
            auth = latchkey.requests.Auth("svc", host=host)
            url = self.server.url + "/api/whoami"
            self.assertEqual(requests.get(url, auth=auth, timeout=10).status_code, 200)
            old = real.token("svc")
            self.server.revoke_all()  # behind latchkey's back
            seen = self.server.requests_seen("GET", "/api/whoami")
            r = requests.get(url, auth=auth, timeout=10)
            self.assertEqual(r.status_code, 200, r.text)
            self.assertEqual([h.status_code for h in r.history], [401])
            self.assertEqual(host.invalidations, 1)
            self.assertEqual(self.server.token_requests(), 2)
            self.assertEqual(self.server.requests_seen("GET", "/api/whoami") - seen, 2)
            self.assertNotEqual(real.token("svc"), old)
            self.assertEqual(r.request.headers["Authorization"], "Bearer " + real.token("svc"))

    def test_a_second_401_is_the_answer(self):
        # The site presents its token under a scheme the server refuses: one
        # invalidate, one new token, one retry, then the 401 is returned.
        config = self.write("wrong-scheme.toml", policy(self.server, (
            f'[sites.wrong]\nprovider = "oauth2-client-credentials"\n'
            f'token_url = "{self.server.url}/oauth2/token"\nclient_id = "demo"\n'
            f'client_secret = "s3cret-demo"\ntoken_type = "Wrong"\n')))
        with latchkey.Host(config) as real:
            host = CountingHost(real)
            auth = latchkey.requests.Auth("wrong", host=host)
            seen = self.server.requests_seen("GET", "/api/whoami")
            r = requests.get(self.server.url + "/api/whoami", auth=auth, timeout=10)
            self.assertEqual(r.status_code, 401)
            self.assertEqual(r.request.headers["Authorization"], "Wrong " + real.token("wrong"))
            self.assertEqual(host.invalidations, 1)
            self.assertEqual(self.server.requests_seen("GET", "/api/whoami") - seen, 2)
            self.assertEqual(self.server.token_requests(), 2)

    def test_fifty_threads_refused_together_cause_one_fetch(self):
        with latchkey.Host(self.config) as real:
            host = CountingHost(real)
            auth = latchkey.requests.Auth("svc", host=host)
            url = self.server.url + "/api/whoami"
            requests.get(url, auth=auth, timeout=10)
            self.server.revoke_all()
            # No keep-alive: a refused caller waits for the new token while
            # its idle connection would hold one of the dev server's few
            # threads, and the token request would queue behind them.
            statuses = self.run_threads(50, lambda i: requests.get(
                url, auth=auth, timeout=20, headers={"Connection": "close"}).status_code)
            self.assertEqual(statuses, [200] * 50)
            self.assertEqual(self.server.token_requests(), 2)
            # Each request refused with the old token said so (those that
            # started after the first retry had the new one); one fetch.
            self.assertGreaterEqual(host.invalidations, 1)
            self.assertLessEqual(host.invalidations, 50)


class RequestsThreads(ServerTest):
    # Short-lived tokens (5 s: long enough for a wave of 50 requests on a
    # busy machine, inside which no refresh is due).
    server_args = ("--token-lifetime", "5")

    def test_fifty_threads_one_fetch_per_expiry(self):
        with latchkey.Host(self.config) as host:
            auth = latchkey.requests.Auth("svc", host=host)
            url = self.server.url + "/api/whoami"

            def call(i):
                # No keep-alive: an idle connection holds a server thread.
                return requests.get(url, auth=auth, timeout=20,
                                    headers={"Connection": "close"}).status_code

            self.assertEqual(self.run_threads(50, call), [200] * 50)
            self.assertEqual(self.server.token_requests(), 1)
            expires_at = host.credential("svc").expires_at
            wait_until(lambda: time.time() > expires_at, 5, "the token's expiry")
            self.assertEqual(self.run_threads(50, call), [200] * 50)
            self.assertEqual(self.server.token_requests(), 2)


if __name__ == "__main__":
    unittest.main()
