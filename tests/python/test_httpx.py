"""latchkey.httpx.Auth with the real httpx library, sync and async, against
the dev server, whose /api/whoami answers 401 to anything but a live token."""

import asyncio
import time
import unittest

import httpx

import latchkey
from support import CountingHost, ServerTest, wait_until


class HttpxSync(ServerTest):
    def test_calls_carry_the_current_token(self):
        with latchkey.Host(self.config) as host:
            with httpx.Client(auth=latchkey.httpx.Auth("svc", host=host), timeout=10) as client:
                for _ in range(3):
                    r = client.get(self.server.url + "/api/whoami")
                    self.assertEqual(r.status_code, 200, r.text)
            self.assertEqual(self.server.token_requests(), 1)

    def test_a_revoked_token_is_invalidated_once_and_the_request_retried_once(self):
        with latchkey.Host(self.config) as real:
            host = CountingHost(real)
            with httpx.Client(auth=latchkey.httpx.Auth("svc", host=host), timeout=10) as client:
                url = self.server.url + "/api/whoami"
                self.assertEqual(client.get(url).status_code, 200)
                old = real.token("svc")
                self.server.revoke_all()
                seen = self.server.requests_seen("GET", "/api/whoami")
                r = client.get(url)
                self.assertEqual(r.status_code, 200, r.text)
                self.assertEqual(host.invalidations, 1)
                self.assertEqual(self.server.token_requests(), 2)
                self.assertEqual(self.server.requests_seen("GET", "/api/whoami") - seen, 2)
                self.assertNotEqual(real.token("svc"), old)


class HttpxAsync(ServerTest):
    def test_calls_carry_the_current_token(self):
        async def main(host):
            async with httpx.AsyncClient(auth=latchkey.httpx.Auth("svc", host=host),
                                         timeout=10) as client:
                return [(await client.get(self.server.url + "/api/whoami")).status_code
                        for _ in range(3)]

        with latchkey.Host(self.config) as host:
            self.assertEqual(asyncio.run(main(host)), [200] * 3)
        self.assertEqual(self.server.token_requests(), 1)

    def test_a_revoked_token_is_invalidated_once_and_the_request_retried_once(self):
        async def main(host, url):
            async with httpx.AsyncClient(auth=latchkey.httpx.Auth("svc", host=host),
                                         timeout=10) as client:
                first = (await client.get(url)).status_code
                self.server.revoke_all()
                seen = self.server.requests_seen("GET", "/api/whoami")
                r = await client.get(url)
                return first, r.status_code, self.server.requests_seen("GET", "/api/whoami") - seen

        with latchkey.Host(self.config) as real:
            host = CountingHost(real)
            url = self.server.url + "/api/whoami"
            self.assertEqual(asyncio.run(main(host, url)), (200, 200, 2))
            self.assertEqual(host.invalidations, 1)
            self.assertEqual(self.server.token_requests(), 2)

    def test_the_event_loop_runs_during_a_refresh(self):
        # The token endpoint answers after 1.5 s: meanwhile a ticker task on
        # the same loop keeps running (a blocked loop would tick once).
        async def main(host):
            ticks = 0
            done = asyncio.Event()

            async def ticker():
                nonlocal ticks
                while not done.is_set():
                    ticks += 1
                    await asyncio.sleep(0.02)

            t = asyncio.create_task(ticker())
            async with httpx.AsyncClient(auth=latchkey.httpx.Auth("svc", host=host),
                                         timeout=10) as client:
                started = time.monotonic()
                r = await client.get(self.server.url + "/api/whoami")
                took = time.monotonic() - started
            done.set()
            await t
            return r.status_code, took, ticks

        self.server.fault("delay", count=1, delay_ms=1500)
        with latchkey.Host(self.config) as host:
            status, took, ticks = asyncio.run(main(host))
        self.assertEqual(status, 200)
        self.assertGreaterEqual(took, 1.4)
        self.assertGreater(ticks, 20, f"the loop ticked {ticks} times in {took:.2f} s")


class HttpxAsyncTasks(ServerTest):
    # Short-lived tokens (5 s: long enough for a wave of 50 requests on a
    # busy machine, inside which no refresh is due).
    server_args = ("--token-lifetime", "5")

    def test_fifty_tasks_one_fetch_per_expiry(self):
        async def wave(client, url):
            rs = await asyncio.gather(*(client.get(url) for _ in range(50)))
            return [r.status_code for r in rs]

        async def main(host):
            url = self.server.url + "/api/whoami"
            # No keep-alive: the dev server has 8 threads, and an idle
            # kept-alive connection holds one for 5 s.
            limits = httpx.Limits(max_connections=50, max_keepalive_connections=0)
            async with httpx.AsyncClient(auth=latchkey.httpx.Auth("svc", host=host),
                                         timeout=20, limits=limits,
                                         headers={"Connection": "close"}) as client:
                first = await wave(client, url)
                count = self.server.token_requests()
                expires_at = host.credential("svc").expires_at
                while time.time() <= expires_at:
                    await asyncio.sleep(0.02)
                second = await wave(client, url)
                return first, count, second

        with latchkey.Host(self.config) as host:
            first, count, second = asyncio.run(main(host))
        self.assertEqual(first, [200] * 50)
        self.assertEqual(count, 1)
        self.assertEqual(second, [200] * 50)
        self.assertEqual(self.server.token_requests(), 2)


if __name__ == "__main__":
    unittest.main()
