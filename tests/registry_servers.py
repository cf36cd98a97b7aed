#!/usr/bin/env python3
"""Small HTTP servers for the registry tests (stdlib only):

  token PORT_FILE KEY CERT ISSUER SERVICE USER PASSWORD
      a Bearer token server for docker-registry's `auth: token`: checks
      Basic credentials and answers a JWT (RS256, signed with openssl,
      the certificate in x5c) granting the scopes asked for.
  huge-manifest PORT_FILE MODE
      a fake registry whose every manifest is endless: MODE "length"
      announces 1 GiB in Content-Length, "chunked" streams without one.
  unavailable PORT_FILE COUNT_FILE
      a fake registry that answers every request 503, and counts them.

Each binds 127.0.0.1 on a free port and writes the port to PORT_FILE.
"""
import base64
import http.server
import json
import os
import subprocess
import sys
import time
import urllib.parse


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def serve(handler, port_file):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(port_file + ".tmp", port_file)
    srv.serve_forever()


def token_server(port_file, key, cert, issuer, service, user, password):
    der = subprocess.run(["openssl", "x509", "-in", cert, "-outform", "DER"],
                         check=True, capture_output=True).stdout
    want = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    def sign(claims):
        header = {"typ": "JWT", "alg": "RS256",
                  "x5c": [base64.b64encode(der).decode()]}
        signing = (b64url(json.dumps(header).encode()) + "." +
                   b64url(json.dumps(claims).encode()))
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key],
                             input=signing.encode(), check=True,
                             capture_output=True).stdout
        return signing + "." + b64url(sig)

    class Token(http.server.BaseHTTPRequestHandler):
        def log_message(self, fmt, *args):
            sys.stderr.write("token: " + (fmt % args) + "\n")

        def do_GET(self):
            url = urllib.parse.urlparse(self.path)
            q = urllib.parse.parse_qs(url.query)
            auth = self.headers.get("Authorization")
            if url.path != "/token":
                self.send_error(404)
                return
            if auth != want:
                self.send_response(401)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            access = []
            for scope in q.get("scope", []):
                kind, _, rest = scope.partition(":")
                name, _, actions = rest.rpartition(":")
                access.append({"type": kind, "name": name,
                               "actions": actions.split(",")})
            now = int(time.time())
            token = sign({"iss": issuer, "sub": user, "aud": service,
                          "exp": now + 300, "nbf": now - 10, "iat": now,
                          "jti": b64url(os.urandom(12)), "access": access})
            body = json.dumps({"token": token, "expires_in": 300}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    serve(Token, port_file)


def huge_manifest(port_file, mode):
    class Huge(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def do_GET(self):
            if self.path == "/v2/":
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")
                return
            self.send_response(200)
            self.send_header("Content-Type",
                             "application/vnd.oci.image.manifest.v1+json")
            chunk = b" " * 65536
            try:
                if mode == "length":
                    self.send_header("Content-Length", str(1 << 30))
                    self.end_headers()
                    self.wfile.write(b"{")
                    for _ in range((1 << 30) // len(chunk)):
                        self.wfile.write(chunk)
                else:
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for _ in range(1 << 14):  # 1 GiB, then it ends
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True

    serve(Huge, port_file)


def unavailable(port_file, count_file):
    class Busy(http.server.BaseHTTPRequestHandler):
        def log_message(self, fmt, *args):
            pass

        def do_GET(self):
            with open(count_file, "a") as f:
                f.write(self.path + "\n")
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_HEAD = do_GET

    serve(Busy, port_file)


if __name__ == "__main__":
    if sys.argv[1] == "token":
        token_server(*sys.argv[2:9])
    elif sys.argv[1] == "huge-manifest":
        huge_manifest(*sys.argv[2:4])
    elif sys.argv[1] == "unavailable":
        unavailable(*sys.argv[2:4])
    else:
        sys.exit("usage: registry_servers.py token|huge-manifest ...")
