"""latchkey.Host against the dev server: tokens the server accepts,
invalidate with the refused token, min_valid, sites, LoginRequired,
latchkey.login(), and bad input (exceptions, never a crash or a secret)."""

import datetime
import io
import shlex
import subprocess
import threading
import time
import traceback
import unittest

import latchkey
from support import CLI, ServerTest, wait_until


class HostTokens(ServerTest):
    server_args = ("--setting", "instance_url=https://org.example.test")

    def test_a_token_the_server_accepts_then_cached(self):
        with latchkey.Host(self.config) as host:
            c = host.credential("svc")
            self.assertEqual(c.header_name, "Authorization")
            self.assertEqual(c.header_value, "Bearer " + c.token)
            self.assertEqual(c.header, "Authorization: Bearer " + c.token)
            self.assertEqual(c.extras["instance_url"], "https://org.example.test")
            self.assertGreater(c.expires_at, c.obtained_at + 3500)
            self.assertNotIn(c.token, repr(c))
            self.assertEqual(self.server.whoami_status(*host.header("svc")), 200)
            self.assertEqual(host.token(), c.token)  # the selected site
            self.assertEqual(host.token("svc", min_valid=60), c.token)
            self.assertEqual(host.token("svc", min_valid=datetime.timedelta(minutes=5)), c.token)
            self.assertEqual(self.server.token_requests(), 1)

    def test_invalidate_forgets_only_the_refused_token(self):
        with latchkey.Host(self.config) as host:
            first = host.token("svc")
            self.server.revoke_all()
            self.assertEqual(self.server.whoami_status("Authorization", "Bearer " + first), 401)
            host.invalidate("svc", "some-other-token")
            self.assertEqual(host.token("svc"), first)
            self.assertEqual(self.server.token_requests(), 1)
            host.invalidate("svc", first)
            second = host.token("svc")
            self.assertNotEqual(second, first)
            self.assertEqual(self.server.whoami_status("Authorization", "Bearer " + second), 200)
            # A late caller refused with the old token changes nothing.
            host.invalidate("svc", first)
            self.assertEqual(host.token("svc"), second)
            self.assertEqual(self.server.token_requests(), 2)

    def test_sites_selected_site_provider(self):
        with latchkey.Host(self.config) as host:
            self.assertEqual(host.sites(), ["dev", "svc"])
            self.assertEqual(host.selected_site, "svc")
            self.assertEqual(host.provider("dev"), "oauth2-device-code")
        with latchkey.Host(self.config, site="dev") as host:
            self.assertEqual(host.selected_site, "dev")

    def test_sets_override_the_policy(self):
        with latchkey.Host(self.config, sets=["client_secret=wrong-secret-value"]) as host:
            with self.assertRaises(latchkey.RejectedError) as cm:
                host.token("svc")
        self.assertIn("svc", str(cm.exception))
        self.assertNotIn("wrong-secret-value", str(cm.exception))

    def test_login_required_names_the_command(self):
        with latchkey.Host(self.config) as host:
            with self.assertRaises(latchkey.LoginRequired) as cm:
                host.token("dev")
        self.assertEqual(cm.exception.command, f"latchkey --config {self.config} login --at dev")
        self.assertEqual(cm.exception.kind, "login_required")
        self.assertIn("dev", str(cm.exception))

    def test_the_login_command_it_names_works(self):
        with latchkey.Host(self.config) as host:
            with self.assertRaises(latchkey.LoginRequired) as cm:
                host.token("dev")
            argv = shlex.split(cm.exception.command)
            self.assertEqual(argv[0], "latchkey")
            person = threading.Thread(target=self._approve_when_pending)
            person.start()
            r = subprocess.run([CLI] + argv[1:], capture_output=True, text=True, timeout=60)
            person.join(20)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(self.server.whoami_status(*host.header("dev")), 200)

    def test_login_runs_the_device_flow_and_says_what_the_command_says(self):
        person = threading.Thread(target=self._approve_when_pending)
        person.start()
        out = io.StringIO()
        c = latchkey.login("dev", config=self.config, file=out)
        person.join(20)
        self.assertRegex(out.getvalue(),
                         r"^logged in to dev \(provider oauth2-device-code\); credential "
                         r"expires in 59m 5\ds \(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)\n$")
        self.assertEqual(self.server.whoami_status(c.header_name, c.header_value), 200)
        # The login is stored where the command keeps it: a new Host serves it.
        with latchkey.Host(self.config) as host:
            self.assertEqual(host.token("dev"), c.token)
        out = io.StringIO()
        latchkey.login("dev", config=self.config, file=out)
        self.assertTrue(out.getvalue().startswith("already logged in to dev "), out.getvalue())

    def _approve_when_pending(self):
        wait_until(lambda: self.server.pending_device_codes(), 15, "the device authorization")
        self.server.approve_device(self.server.pending_device_codes()[0])


class MinValid(ServerTest):
    server_args = ("--token-lifetime", "4")

    def test_a_token_that_would_expire_sooner_is_refreshed_early(self):
        with latchkey.Host(self.config) as host:
            first = host.credential("svc")
            self.assertEqual(host.token("svc", min_valid=2), first.token)
            self.assertEqual(self.server.token_requests(), 1)
            # Less than 3.5 s left (a margin for the library's coarse clock).
            wait_until(lambda: time.time() > first.expires_at - 3.5, 5, "the token to age")
            second = host.token("svc", min_valid=3.8)
            self.assertNotEqual(second, first.token)
            self.assertEqual(self.server.token_requests(), 2)
            self.assertEqual(self.server.whoami_status("Authorization", "Bearer " + second), 200)


class BadInput(ServerTest):
    def test_wrong_types_are_type_errors(self):
        with latchkey.Host(self.config) as host:
            for call in (lambda: host.token(42), lambda: host.token(b"svc"),
                         lambda: host.token("svc", min_valid="soon"),
                         lambda: host.invalidate("svc", 123), lambda: host.header(["svc"])):
                with self.assertRaises(TypeError):
                    call()
            with self.assertRaises(ValueError):
                host.token("svc", min_valid=-1)
        for kwargs in ({"config": 3}, {"sets": "a=b"}, {"sets": [1]}, {"site": 1.5}):
            with self.assertRaises(TypeError):
                latchkey.Host(**kwargs)
        with self.assertRaises(TypeError):
            latchkey.requests.Auth(7)

    def test_unknown_site(self):
        with latchkey.Host(self.config) as host:
            with self.assertRaises(latchkey.ConfigError) as cm:
                host.token("nosuch")
        self.assertIn("unknown site 'nosuch'", str(cm.exception))
        self.assertIsNone(cm.exception.line)

    def test_broken_policy_names_file_line_column_and_no_secret(self):
        path = self.write("broken.toml",
                          '[sites.svc]\nprovider = "oauth2-client-credentials"\n'
                          'client_secret = "s3cret-in-a-broken-policy"\nclinet_id = "x"\n'
                          'token_url = "http://127.0.0.1:1/t"\n')
        with self.assertRaises(latchkey.ConfigError) as cm:
            with latchkey.Host(path) as host:
                host.token("svc")
        e = cm.exception
        self.assertEqual((e.file, e.line, e.column), (path, 4, 1))
        self.assertIn("clinet_id", str(e))
        self.assertIn("did you mean 'client_id'", str(e))
        text = "".join(traceback.format_exception(e))
        self.assertNotIn("s3cret-in-a-broken-policy", text)

    def test_missing_policy(self):
        with self.assertRaises(latchkey.ConfigError) as cm:
            with latchkey.Host(self.dir + "/none.toml") as host:
                host.token("svc")
        self.assertIn("none.toml", str(cm.exception))

    def test_closed_host(self):
        host = latchkey.Host(self.config)
        token = host.token("svc")
        host.close()
        for call in (lambda: host.token("svc"), host.sites, lambda: host.invalidate("svc", token)):
            with self.assertRaises(latchkey.HostClosedError) as cm:
                call()
            self.assertIn("closed", str(cm.exception))
            self.assertNotIn(token, str(cm.exception))
        host.close()  # twice is fine
        self.assertTrue(host.closed)

    def test_close_while_other_threads_read(self):
        host = latchkey.Host(self.config)
        host.token("svc")
        stop = threading.Event()
        outcomes = set()

        def reader(i):
            while not stop.is_set():
                try:
                    host.token("svc")
                    outcomes.add("token")
                except latchkey.HostClosedError:
                    outcomes.add("closed")
                    return

        threads = [threading.Thread(target=reader, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        wait_until(lambda: "token" in outcomes, 10, "the readers")
        host.close()
        wait_until(lambda: "closed" in outcomes, 10, "a reader to see the close")
        stop.set()
        for t in threads:
            t.join(10)
        self.assertEqual(outcomes, {"token", "closed"})

    def test_a_rejected_secret_never_shows(self):
        path = self.write("wrong.toml",
                          f'[sites.svc]\nprovider = "oauth2-client-credentials"\n'
                          f'token_url = "{self.server.url}/oauth2/token"\nclient_id = "demo"\n'
                          f'client_secret = "not-the-s3cret-value"\n')
        with latchkey.Host(path) as host:
            with self.assertRaises(latchkey.RejectedError) as cm:
                host.token("svc")
        text = "".join(traceback.format_exception(cm.exception))
        self.assertIn("invalid_client", text)
        self.assertNotIn("not-the-s3cret-value", text)


if __name__ == "__main__":
    unittest.main()
