"""`cmake --install` puts the package where Debian's python3 finds it: for
the prefix /usr/local, PREFIX/lib/python3.X/dist-packages, which is on
/usr/bin/python3's path; for another prefix, that directory is the
PYTHONPATH to give. The installed extension uses the installed liblatchkey."""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

BUILD = os.environ["LATCHKEY_TEST_BUILD_DIR"]
CMAKE = os.environ["LATCHKEY_TEST_CMAKE"]
PYTHON = "/usr/bin/python3"


class Install(unittest.TestCase):
    def test_installed_package_serves_a_token(self):
        prefix = tempfile.mkdtemp(prefix="latchkey-py-install-")
        self.addCleanup(shutil.rmtree, prefix, True)
        r = subprocess.run([CMAKE, "--install", BUILD, "--prefix", prefix],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        version = f"python{sys.version_info.major}.{sys.version_info.minor}"
        packages = os.path.join(prefix, "lib", version, "dist-packages")
        self.assertTrue(os.path.exists(os.path.join(packages, "latchkey", "__init__.py")))
        # With the default prefix, Debian's interpreter looks there already.
        path = subprocess.run([PYTHON, "-c", "import sys; print('\\n'.join(sys.path))"],
                              capture_output=True, text=True).stdout.split("\n")
        self.assertIn(os.path.join("/usr/local/lib", version, "dist-packages"), path)

        home = os.path.join(prefix, "home")
        os.mkdir(home)
        config = os.path.join(home, "policy.toml")
        with open(config, "w") as f:
            f.write('[sites.key]\nprovider = "api-key"\napi_key = { env = "INSTALL_TEST_KEY" }\n')
        os.chmod(config, 0o600)
        script = ("import latchkey\n"
                  "print(latchkey.__file__)\n"
                  f"print(latchkey.Host({config!r}).header('key'))\n"
                  "print(any('/lib/liblatchkey.so' in l and "
                  f"{prefix!r} in l for l in open('/proc/self/maps')))\n")
        env = {"PATH": "/usr/bin:/bin", "HOME": home, "XDG_STATE_HOME": home,
               "XDG_CONFIG_HOME": home, "PYTHONPATH": packages,
               "INSTALL_TEST_KEY": "installed-key-1234"}
        if "LD_PRELOAD" in os.environ:  # a sanitizer build's runtime
            env["LD_PRELOAD"] = os.environ["LD_PRELOAD"]
            env["ASAN_OPTIONS"] = os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0"
        r = subprocess.run([PYTHON, "-c", script], capture_output=True, text=True, env=env,
                           cwd=home, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0], os.path.join(packages, "latchkey", "__init__.py"))
        self.assertEqual(lines[1], "('Authorization', 'Bearer installed-key-1234')")
        self.assertEqual(lines[2], "True", "the extension did not map the installed liblatchkey")


if __name__ == "__main__":
    unittest.main()
