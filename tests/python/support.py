"""What the Python tests share: the dev server on 127.0.0.1 (started on a
free port and stopped by each test class), a sandboxed HOME/XDG_* so that
nothing reads or writes the user's files, and policies pointing at the
server. The paths come from ctest (tests/python/CMakeLists.txt)."""

import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

DEVSERVER = os.environ["LATCHKEY_TEST_DEVSERVER"]
CLI = os.environ["LATCHKEY_TEST_CLI"]


def stop_process(proc):
    """SIGTERM, then SIGKILL after 10 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class DevServer:
    """latchkey-devserver on 127.0.0.1:0; its request log (METHOD PATH
    STATUS, one line each) is kept to count what reached it."""

    def __init__(self, *args):
        self._log = tempfile.NamedTemporaryFile(prefix="latchkey-devserver-", suffix=".log")
        self.proc = subprocess.Popen(
            [DEVSERVER, "--port", "0", "--client", "demo:s3cret-demo", "--client", "cli-app:",
             *args],
            stdout=subprocess.PIPE, stderr=self._log, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"listening on (\S+)", line)
        if not m:
            self.stop()
            raise RuntimeError(f"the dev server did not start: {line!r}")
        self.url = m.group(1)

    def stop(self):
        stop_process(self.proc)
        self.proc.stdout.close()
        self._log.close()

    def _call(self, method, path, body=None, headers=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def stats(self):
        status, body = self._call("GET", "/admin/stats")
        assert status == 200, body
        return json.loads(body)

    def token_requests(self):
        return self.stats()["token_requests"]

    def reset(self):
        self._call("POST", "/admin/reset", {})

    def revoke_all(self):
        status, body = self._call("POST", "/admin/tokens/revoke", {})
        assert status == 200, body
        return json.loads(body)

    def fault(self, mode, count=1, delay_ms=0):
        status, body = self._call("POST", "/admin/faults",
                                  {"mode": mode, "count": count, "delay_ms": delay_ms})
        assert status == 200, body

    def whoami_status(self, header_name, header_value):
        return self._call("GET", "/api/whoami", headers={header_name: header_value})[0]

    def requests_seen(self, method, path):
        """How many `method path` requests the server logged so far."""
        with open(self._log.name) as f:
            return sum(1 for line in f if line.startswith(f"{method} {path} "))

    def pending_device_codes(self):
        status, body = self._call("GET", "/admin/device")
        return [p["user_code"] for p in json.loads(body).get("pending", [])] if status == 200 else []

    def approve_device(self, user_code):
        status, body = self._call("POST", "/admin/device/approve", {"user_code": user_code})
        assert status == 200, body


def policy(server, extra_sites=""):
    """svc: client credentials at the server; dev: a device-code login."""
    return (f'default_site = "svc"\n'
            f'[sites.svc]\n'
            f'provider = "oauth2-client-credentials"\n'
            f'token_url = "{server.url}/oauth2/token"\n'
            f'client_id = "demo"\n'
            f'client_secret = "s3cret-demo"\n'
            # Fifty threads hold the dev server's workers: a token request may
            # wait its turn longer than the default 10 s, and a timed-out one
            # is sent again (one fetch too many for the single-flight tests).
            f'timeout = "60s"\n'
            f'[sites.dev]\n'
            f'provider = "oauth2-device-code"\n'
            f'issuer = "{server.url}"\n'
            f'client_id = "cli-app"\n' + extra_sites)


class ServerTest(unittest.TestCase):
    """One dev server per test class; a fresh sandbox and policy per test."""

    server_args = ()

    @classmethod
    def setUpClass(cls):
        cls.server = DevServer(*cls.server_args)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="latchkey-py-")
        self._env = dict(os.environ)
        for k in list(os.environ):
            if k.startswith("LATCHKEY_"):
                del os.environ[k]
        for k in ("HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            os.environ[k] = self.dir
        # Where a running agent's socket is looked for: only a test's own.
        os.environ["XDG_RUNTIME_DIR"] = os.path.join(self.dir, "run")
        os.mkdir(os.environ["XDG_RUNTIME_DIR"], 0o700)
        self.server.reset()
        self.config = self.write("policy.toml", policy(self.server))

    def tearDown(self):
        os.environ.clear()
        os.environ.update(self._env)
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o600)
        return path

    def run_threads(self, n, fn):
        """Runs fn(i) on n threads started together; returns their results
        (an exception is re-raised here)."""
        barrier = threading.Barrier(n)
        results = [None] * n

        def body(i):
            try:
                barrier.wait(10)
                results[i] = ("ok", fn(i))
            except BaseException as e:  # reported below, in the test's thread
                results[i] = ("error", e)

        threads = [threading.Thread(target=body, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertFalse(any(t.is_alive() for t in threads), "a thread did not finish")
        for kind, value in results:
            if kind == "error":
                raise value
        return [value for _, value in results]


class Agent:
    """`latchkey --config CONFIG agent` on its default socket (under the
    test's XDG_RUNTIME_DIR), with `env` added to its environment (the
    site's secret, which the test's own process does not have)."""

    def __init__(self, config, env):
        run = os.environ["XDG_RUNTIME_DIR"]
        self.socket = os.path.join(run, "latchkey", "agent.sock")
        self.audit_file = os.path.join(run, "audit.log")
        self._log = tempfile.NamedTemporaryFile(prefix="latchkey-agent-", suffix=".log")
        self.proc = subprocess.Popen(
            [CLI, "--config", config, "agent", "--audit-file", self.audit_file],
            stdout=subprocess.PIPE, stderr=self._log, text=True, env={**os.environ, **env})
        line = self.proc.stdout.readline()
        if f"listening on {self.socket} " not in line:
            self.stop()
            raise RuntimeError(f"the agent did not start: {line!r}")

    def audit(self):
        with open(self.audit_file) as f:
            return f.read()

    def kill(self):
        self.proc.kill()
        self.proc.wait()

    def stop(self):
        stop_process(self.proc)
        self.proc.stdout.close()
        self._log.close()


def wait_until(predicate, timeout, what):
    """Polls `predicate` until it holds, failing after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


class CountingHost:
    """Wraps a latchkey.Host and counts invalidate() calls."""

    def __init__(self, host):
        self._host = host
        self.invalidations = 0
        self._lock = threading.Lock()

    def invalidate(self, site=None, token=None):
        with self._lock:
            self.invalidations += 1
        return self._host.invalidate(site, token)

    def __getattr__(self, name):
        return getattr(self._host, name)
