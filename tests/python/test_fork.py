"""A forked child (as under gunicorn or multiprocessing) while another thread
of the parent holds the host busy in a refresh: the child's Host works
(it opens the policy again), and nothing waits on a lock held at the fork."""

import os
import signal
import threading
import time
import unittest

import latchkey
from support import ServerTest, wait_until


class Fork(ServerTest):
    def test_child_after_fork_during_a_refresh(self):
        host = latchkey.Host(self.config)
        # The parent's thread sits in the token request (and holds the site's
        # single-flight and storage locks) for 3 s.
        self.server.fault("delay", count=1, delay_ms=3000)
        busy = threading.Thread(target=host.token, args=("svc",))
        busy.start()
        wait_until(self._token_request_open, 10, "the parent's token request")
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: report, never return into unittest
            os.close(r)
            try:
                token = host.token("svc")
                ok = self.server.whoami_status("Authorization", "Bearer " + token) == 200
                os.write(w, b"ok" if ok else b"refused")
            except BaseException as e:
                os.write(w, f"{type(e).__name__}: {e}".encode())
            os._exit(0)
        os.close(w)
        deadline = time.monotonic() + 20
        while os.waitpid(pid, os.WNOHANG) == (0, 0):
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                self.fail("the child of fork() hung")
            time.sleep(0.02)
        with os.fdopen(r, "rb") as f:
            self.assertEqual(f.read().decode(), "ok")
        busy.join(20)
        # The parent's host is unaffected.
        self.assertEqual(self.server.whoami_status(*host.header("svc")), 200)
        host.close()

    def _token_request_open(self):
        # A connection to the server's port is open (the admin calls above
        # closed theirs): the parent's thread is waiting for the answer.
        port = int(self.server.url.rsplit(":", 1)[1])
        with open("/proc/net/tcp") as f:
            rows = [line.split() for line in f.readlines()[1:]]
        return any(int(r[2].split(":")[1], 16) == port and r[3] == "01" for r in rows)


if __name__ == "__main__":
    unittest.main()
