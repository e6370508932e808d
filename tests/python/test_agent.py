"""latchkey.Host with a running `latchkey agent`: tokens from the agent while
the site's secret is only in the agent's environment, the same credential
alone, invalidate and min_valid through the agent, errors of the same
class, another policy and a killed agent worked alone, and an agent started
later serving the next fetch."""

import contextlib
import os
import time
import unittest

import latchkey
from support import Agent, ServerTest, policy

SECRET_VAR = "PY_AGENT_SECRET"


class AgentTest(ServerTest):
    server_args = ("--setting", "instance_url=https://org.example.test")

    def setUp(self):
        super().setUp()
        text = policy(self.server).replace('client_secret = "s3cret-demo"',
                                           f'client_secret = {{ env = "{SECRET_VAR}" }}')
        self.assertIn(SECRET_VAR, text)
        self.config = self.write("policy.toml", text)
        os.environ.pop(SECRET_VAR, None)
        self.agent = None

    def tearDown(self):
        if self.agent:
            self.agent.stop()
        super().tearDown()

    def start_agent(self):
        self.agent = Agent(self.config, {SECRET_VAR: "s3cret-demo"})

    @contextlib.contextmanager
    def alone_host(self):
        """A Host that never asks the agent, and the secret in this process's
        environment meanwhile (read when a site is first used)."""
        os.environ[SECRET_VAR] = "s3cret-demo"
        try:
            with latchkey.Host(self.config, work_alone=True) as host:
                yield host
        finally:
            del os.environ[SECRET_VAR]


class ThroughTheAgent(AgentTest):
    def test_a_token_from_the_agent_without_the_secret(self):
        self.start_agent()
        with latchkey.Host(self.config) as host:
            c = host.credential("svc")
            self.assertEqual(c.agent_socket, self.agent.socket)
            self.assertEqual(self.server.whoami_status(c.header_name, c.header_value), 200)
            self.assertEqual(c.extras["instance_url"], "https://org.example.test")
            self.assertIn("site=svc decision=served", self.agent.audit())
            # Kept here until the agent's refresh time: no further request.
            self.assertEqual(host.token(), c.token)
            self.assertEqual(host.token("svc", min_valid=60), c.token)
            self.assertEqual(self.server.token_requests(), 1)
            # Alone, from the file store the agent shares: the same credential.
            with self.alone_host() as alone:
                a = alone.credential("svc")
            self.assertIsNone(a.agent_socket)
            self.assertEqual(
                (a.token, a.header_name, a.header_value, a.expires_at, a.obtained_at, a.extras),
                (c.token, c.header_name, c.header_value, c.expires_at, c.obtained_at, c.extras))
            self.assertEqual(self.server.token_requests(), 1)

    def test_invalidate_makes_the_agent_fetch_a_new_one(self):
        self.start_agent()
        with latchkey.Host(self.config) as host:
            first = host.token("svc")
            self.server.revoke_all()
            host.invalidate("svc", "some-other-token")
            self.assertEqual(host.token("svc"), first)
            host.invalidate("svc", first)
            self.assertIn("site=svc decision=invalidated", self.agent.audit())
            second = host.credential("svc")
            self.assertNotEqual(second.token, first)
            self.assertEqual(second.agent_socket, self.agent.socket)
            self.assertEqual(self.server.whoami_status(second.header_name, second.header_value),
                             200)
            self.assertEqual(self.server.token_requests(), 2)

    def test_errors_are_raised_as_alone(self):
        self.start_agent()
        with latchkey.Host(self.config) as host, self.alone_host() as alone:
            with self.assertRaises(latchkey.LoginRequired) as via:
                host.token("dev")
            self.assertIn("site=dev decision=failed", self.agent.audit())
            with self.assertRaises(latchkey.LoginRequired) as own:
                alone.token("dev")
        self.assertEqual(str(via.exception), str(own.exception))
        self.assertEqual(via.exception.command, f"latchkey --config {self.config} login --at dev")
        self.assertEqual(via.exception.command, own.exception.command)

    def test_another_policy_works_alone(self):
        self.start_agent()
        with open(self.config) as f:
            other = self.write("other.toml", f.read())
        with latchkey.Host(other) as host:
            with self.assertRaises(latchkey.ConfigError) as cm:
                host.token("svc")
        self.assertIn(SECRET_VAR, str(cm.exception))
        self.assertIn("decision=invalid", self.agent.audit())
        os.environ[SECRET_VAR] = "s3cret-demo"
        with latchkey.Host(other) as host:
            c = host.credential("svc")
        self.assertIsNone(c.agent_socket)
        self.assertEqual(self.server.whoami_status(c.header_name, c.header_value), 200)

    def test_a_killed_agent_is_worked_around_at_once(self):
        self.start_agent()
        os.environ[SECRET_VAR] = "s3cret-demo"
        with latchkey.Host(self.config) as host:
            served = host.credential("svc")
            self.assertEqual(served.agent_socket, self.agent.socket)
            self.agent.kill()
            start = time.monotonic()
            host.invalidate("svc", served.token)
            c = host.credential("svc")
            self.assertLess(time.monotonic() - start, 5)
            self.assertIsNone(c.agent_socket)
            self.assertNotEqual(c.token, served.token)
            self.assertEqual(self.server.whoami_status(c.header_name, c.header_value), 200)
            self.assertEqual(self.server.token_requests(), 2)

    def test_an_agent_started_later_serves_the_next_fetch(self):
        os.environ[SECRET_VAR] = "s3cret-demo"
        with latchkey.Host(self.config) as host:
            alone = host.credential("svc")
            self.assertIsNone(alone.agent_socket)
            self.start_agent()
            self.assertEqual(host.token("svc"), alone.token)  # still valid: not asked
            host.invalidate("svc", alone.token)
            c = host.credential("svc")
            self.assertEqual(c.agent_socket, self.agent.socket)
            self.assertEqual(host.credential("svc").agent_socket, self.agent.socket)
            self.assertIn("site=svc decision=served", self.agent.audit())
            self.assertEqual(self.server.token_requests(), 2)

    def test_the_auth_classes_go_through_the_agent(self):
        import requests
        self.start_agent()
        with latchkey.Host(self.config) as host, requests.Session() as s:
            s.auth = latchkey.requests.Auth("svc", host=host)
            r = s.get(self.server.url + "/api/whoami")
            self.assertEqual(r.status_code, 200, r.text)
        self.assertIn("site=svc decision=served", self.agent.audit())


class MinValidThroughTheAgent(AgentTest):
    server_args = ("--token-lifetime", "4")

    def test_min_valid_reaches_the_agent(self):
        self.start_agent()
        with latchkey.Host(self.config) as host:
            first = host.credential("svc")
            self.assertEqual(host.token("svc", min_valid=2), first.token)
            self.assertEqual(self.server.token_requests(), 1)
            # Less than 3.5 s left (a margin for the library's coarse clock).
            while time.time() <= first.expires_at - 3.5:
                time.sleep(0.02)
            second = host.credential("svc", min_valid=3.8)
            self.assertNotEqual(second.token, first.token)
            self.assertEqual(second.agent_socket, self.agent.socket)
            self.assertEqual(self.server.token_requests(), 2)

    def test_a_killed_agents_credential_serves_until_it_expires(self):
        self.start_agent()
        with latchkey.Host(self.config) as host:
            c = host.credential("svc")
            self.assertEqual(c.agent_socket, self.agent.socket)
            self.agent.kill()
            # In its refresh window: asking the agent fails, and so does working
            # alone (the secret is the agent's); the credential still serves.
            while time.time() <= c.expires_at - 0.9:
                time.sleep(0.02)
            self.assertEqual(host.token("svc"), c.token)
            # Expired: the error of working alone.
            while time.time() <= c.expires_at + 0.1:
                time.sleep(0.02)
            with self.assertRaises(latchkey.ConfigError) as cm:
                host.token("svc")
            self.assertIn(SECRET_VAR, str(cm.exception))


if __name__ == "__main__":
    unittest.main()
