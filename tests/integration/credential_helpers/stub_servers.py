#!/usr/bin/python3
"""Servers the credential-helper tests point real clients at, on 127.0.0.1.

Each accepts only a credential the development server (tools/devserver)
vouches for now: the token a request carries is shown to the dev server's
/api/whoami, and anything but 200 is refused with 401. So a client gets in
only with latchkey's current token.

  stub_servers.py git      --devserver URL --root DIR [--client PREFIX=CLIENT_ID]...
      git smart HTTP (git http-backend as CGI) behind Basic auth, password = token;
      --client: paths under /PREFIX/ need a token of that dev-server client.
  stub_servers.py kube     --devserver URL --cert PEM --key PEM
      HTTPS; GET /api with a Bearer token answers APIVersions.
  stub_servers.py registry --devserver URL
      OCI distribution v2 with Basic auth: one image, repo "demo/app", tag "v1".
  stub_servers.py sts      --key-id ID --session-token TOKEN
      STS GetCallerIdentity for a SigV4 request signed by ID with that session token.

The first line on standard output is "listening on http://127.0.0.1:PORT"
(https for kube). Standard error logs "METHOD PATH STATUS" per request.
"""
import argparse
import base64
import hashlib
import json
import os
import ssl
import subprocess
import sys
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def whoami(devserver, token):
    """The dev server's account of `token` (a dict), or None when it refuses it."""
    req = urllib.request.Request(devserver + "/api/whoami",
                                 headers={"Authorization": "Bearer " + token})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())
    except urllib.error.HTTPError:
        return None


def basic_password(header):
    if not header or not header.startswith("Basic "):
        return None
    try:
        user_pass = base64.b64decode(header[6:]).decode()
    except Exception:
        return None
    return user_pass.partition(":")[2] or None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    args = None

    def log_message(self, fmt, *a):
        pass

    def log_request(self, code="-", size="-"):
        sys.stderr.write("%s %s %s\n" % (self.command, self.path.split("?")[0], code))
        sys.stderr.flush()

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def refuse(self, scheme="Basic"):
        self.reply(401, b"unauthorized\n", [("WWW-Authenticate", scheme + ' realm="stub"')])

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def do_GET(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()

    def do_HEAD(self):
        self.handle_any()


class GitHandler(Handler):
    def handle_any(self):
        path, _, query = self.path.partition("?")
        body = self.body()
        token = basic_password(self.headers.get("Authorization"))
        account = whoami(self.args.devserver, token) if token else None
        wanted = [c for p, c in self.args.clients if path.startswith("/" + p + "/")]
        if not account or (wanted and account.get("client_id") != wanted[0]):
            return self.refuse()
        env = {"GIT_PROJECT_ROOT": self.args.root, "GIT_HTTP_EXPORT_ALL": "1",
               "PATH_INFO": path, "QUERY_STRING": query, "REQUEST_METHOD": self.command,
               "REMOTE_USER": account.get("client_id") or "user", "REMOTE_ADDR": "127.0.0.1",
               "CONTENT_TYPE": self.headers.get("Content-Type", ""),
               "CONTENT_LENGTH": str(len(body)), "PATH": os.environ.get("PATH", "/usr/bin"),
               "HTTP_CONTENT_ENCODING": self.headers.get("Content-Encoding", ""),
               "GIT_PROTOCOL": self.headers.get("Git-Protocol", "")}
        out = subprocess.run(["git", "http-backend"], input=body, env=env,
                             capture_output=True, timeout=30).stdout
        head, _, payload = out.partition(b"\r\n\r\n")
        status, headers = 200, []
        for line in head.decode().split("\r\n"):
            k, _, v = line.partition(":")
            if k.lower() == "status":
                status = int(v.strip().split()[0])
            elif k:
                headers.append((k, v.strip()))
        self.reply(status, payload, headers)


class KubeHandler(Handler):
    def handle_any(self):
        auth = self.headers.get("Authorization") or ""
        token = auth[7:] if auth.startswith("Bearer ") else None
        if not token or not whoami(self.args.devserver, token):
            return self.reply(401, json.dumps({"kind": "Status", "apiVersion": "v1",
                                               "status": "Failure", "reason": "Unauthorized",
                                               "code": 401}).encode(),
                              [("Content-Type", "application/json")])
        if self.path.split("?")[0] != "/api":
            return self.reply(404, b"{}", [("Content-Type", "application/json")])
        body = {"kind": "APIVersions", "versions": ["v1"],
                "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0",
                                                "serverAddress": "127.0.0.1"}]}
        self.reply(200, json.dumps(body).encode(), [("Content-Type", "application/json")])


def registry_image():
    config = json.dumps({"architecture": "amd64", "os": "linux",
                         "created": "2026-01-01T00:00:00Z",
                         "config": {"Labels": {"latchkey": "stub-image"}},
                         "rootfs": {"type": "layers", "diff_ids": ["sha256:" + "1" * 64]}}).encode()
    manifest = json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                   "size": len(config), "digest": "sha256:" + hashlib.sha256(config).hexdigest()},
        "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "size": 32, "digest": "sha256:" + "2" * 64}]}).encode()
    return config, manifest


class RegistryHandler(Handler):
    config, manifest = registry_image()

    def handle_any(self):
        token = basic_password(self.headers.get("Authorization"))
        if not token or not whoami(self.args.devserver, token):
            return self.refuse()
        path = self.path.split("?")[0]
        api = [("Docker-Distribution-API-Version", "registry/2.0")]
        if path == "/v2/":
            return self.reply(200, b"{}", api + [("Content-Type", "application/json")])
        digest = "sha256:" + hashlib.sha256(self.manifest).hexdigest()
        if path in ("/v2/demo/app/manifests/v1", "/v2/demo/app/manifests/" + digest):
            return self.reply(200, self.manifest, api + [
                ("Content-Type", "application/vnd.docker.distribution.manifest.v2+json"),
                ("Docker-Content-Digest", digest)])
        config_digest = "sha256:" + hashlib.sha256(self.config).hexdigest()
        if path == "/v2/demo/app/blobs/" + config_digest:
            return self.reply(200, self.config, api + [("Content-Type", "application/octet-stream"),
                                                       ("Docker-Content-Digest", config_digest)])
        self.reply(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN"}]}', api)


class StsHandler(Handler):
    def handle_any(self):
        self.body()
        auth = self.headers.get("Authorization") or ""
        if ("Credential=" + self.args.key_id + "/") not in auth or \
                self.headers.get("X-Amz-Security-Token") != self.args.session_token:
            return self.reply(403, b"<ErrorResponse><Error><Code>InvalidClientTokenId</Code>"
                                   b"<Message>refused</Message></Error></ErrorResponse>",
                              [("Content-Type", "text/xml")])
        xml = ('<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
               "<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/latchkey</Arn>"
               "<UserId>" + self.args.key_id + "</UserId><Account>123456789012</Account>"
               "</GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId>"
               "</ResponseMetadata></GetCallerIdentityResponse>")
        self.reply(200, xml.encode(), [("Content-Type", "text/xml")])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["git", "kube", "registry", "sts"])
    ap.add_argument("--devserver")
    ap.add_argument("--root")
    ap.add_argument("--client", action="append", default=[])
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--key-id")
    ap.add_argument("--session-token")
    args = ap.parse_args()
    args.clients = [tuple(c.split("=", 1)) for c in args.client]
    handler = {"git": GitHandler, "kube": KubeHandler, "registry": RegistryHandler,
               "sts": StsHandler}[args.mode]
    handler.args = args
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    scheme = "http"
    if args.mode == "kube":
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    print("listening on %s://127.0.0.1:%d" % (scheme, server.server_address[1]), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
