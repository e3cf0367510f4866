#!/usr/bin/env python3
"""Health checks that probe real endpoints (route53.md §5, §2.6): `cloudtwin serve dns` with
--health-interval-scale runs HTTP, HTTP string-match and TCP checks against servers this test
starts on 127.0.0.1; failover answers follow the endpoints' health as they are switched to errors
and back, and every change is one log line. Bounded: every wait is at most 10 s; the server is
stopped by its pid.

usage: health_cli_test.py CLOUDTWIN
"""
import http.server
import os
import ssl
import urllib.request
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import dns.message
import dns.query

failures = []


def check(cond, what):
    print(("ok:   " if cond else "FAIL: ") + what)
    if not cond:
        failures.append(what)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Endpoint:
    """An HTTP server on 127.0.0.1 whose status and body the test switches."""

    def __init__(self, tls=None):
        self.status = 200
        self.sni = []
        self.body = b"all good"
        self.requests = 0
        endpoint = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                endpoint.requests += 1
                self.send_response(endpoint.status)
                self.send_header("Content-Length", str(len(endpoint.body)))
                self.end_headers()
                self.wfile.write(endpoint.body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            context.sni_callback = lambda sock, name, ctx: endpoint.sni.append(name)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def answer(port, name):
    q = dns.message.make_query(name, "A")
    for _ in range(20):
        try:
            r = dns.query.udp(q, "127.0.0.1", port=port, timeout=0.5)
            return [rr.address for rrset in r.answer for rr in rrset]
        except Exception:
            time.sleep(0.05)
    return None


def wait_for(port, name, want, timeout=10.0):
    end = time.monotonic() + timeout
    got = None
    while time.monotonic() < end:
        got = answer(port, name)
        if got == want:
            return True, got
        time.sleep(0.05)
    return False, got


def main():
    cloudtwin = sys.argv[1]
    work = tempfile.mkdtemp(prefix="cloudtwin-health-")
    web, text = Endpoint(), Endpoint()
    # A self-signed certificate: HTTPS checks do not validate it (route53.md §5).
    cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=cloudtwin-test"], check=True, capture_output=True)
    secure = Endpoint(tls=(cert, key))
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.bind(("127.0.0.1", 0))
    tcp.listen(64)
    tcp_port = tcp.getsockname()[1]
    zone = os.path.join(work, "checks.yaml")
    with open(zone, "w") as f:
        f.write(f"""health_checks:
  - {{name: web-check, type: HTTP, ip_address: 127.0.0.1, port: {web.port}, resource_path: /health,
      request_interval: 10, failure_threshold: 1}}
  - {{name: text-check, type: HTTP_STR_MATCH, ip_address: 127.0.0.1, port: {text.port}, search_string: good,
      request_interval: 10, failure_threshold: 2}}
  - {{name: tcp-check, type: TCP, ip_address: 127.0.0.1, port: {tcp_port}, request_interval: 10, failure_threshold: 1}}
  - {{name: tls-check, type: HTTPS, ip_address: 127.0.0.1, port: {secure.port}, fqdn: api.example.com,
      enable_sni: true, request_interval: 10, failure_threshold: 1}}
hosted_zones:
  - domain: example.com
    records:
      - {{name: www, type: A, ttl: 60, values: [192.0.2.1], set_identifier: primary, failover: PRIMARY, health_check_id: web-check}}
      - {{name: www, type: A, ttl: 60, values: [192.0.2.2], set_identifier: secondary, failover: SECONDARY}}
      - {{name: txt, type: A, ttl: 60, values: [192.0.2.11], set_identifier: primary, failover: PRIMARY, health_check_id: text-check}}
      - {{name: txt, type: A, ttl: 60, values: [192.0.2.12], set_identifier: secondary, failover: SECONDARY}}
      - {{name: db, type: A, ttl: 60, values: [192.0.2.21], set_identifier: primary, failover: PRIMARY, health_check_id: tcp-check}}
      - {{name: db, type: A, ttl: 60, values: [192.0.2.22], set_identifier: secondary, failover: SECONDARY}}
      - {{name: api, type: A, ttl: 60, values: [192.0.2.31], set_identifier: primary, failover: PRIMARY, health_check_id: tls-check}}
      - {{name: api, type: A, ttl: 60, values: [192.0.2.32], set_identifier: secondary, failover: SECONDARY}}
""")
    port = free_port()
    metrics_port = free_port()
    log_path = os.path.join(work, "log")
    log = open(log_path, "w")
    # Interval 10 s x 0.02 = 200 ms per checker, eight checkers staggered over it.
    proc = subprocess.Popen([cloudtwin, "serve", "dns", zone, "--listen", f"127.0.0.1:{port}", "--threads", "1",
                             "--health-interval-scale", "0.02", "--metrics", f"127.0.0.1:{metrics_port}", "-q"], stdout=subprocess.DEVNULL, stderr=log)
    try:
        check(answer(port, "www.example.com") == ["192.0.2.1"], "a healthy primary answers")
        time.sleep(0.5)
        check(web.requests > 0, f"the HTTP endpoint is probed ({web.requests} requests)")
        check(answer(port, "txt.example.com") == ["192.0.2.11"], "the string matches: the primary answers")
        check(answer(port, "db.example.com") == ["192.0.2.21"], "the TCP endpoint accepts: the primary answers")

        # §5: a 5xx fails the check; more than 18 % of checkers... all fail: failover (§2.6).
        web.status = 503
        ok, got = wait_for(port, "www.example.com", ["192.0.2.2"])
        check(ok, f"a failing HTTP endpoint fails over to the secondary (got {got})")
        web.status = 302  # §5: 3xx passes
        ok, got = wait_for(port, "www.example.com", ["192.0.2.1"])
        check(ok, f"a 3xx endpoint is healthy again (got {got})")

        text.body = b"all bad"  # the status is 200, the string is gone
        ok, got = wait_for(port, "txt.example.com", ["192.0.2.12"])
        check(ok, f"a missing search string fails the check (got {got})")

        # HTTPS: SNI names the FQDN, the self-signed certificate is accepted; a 500 fails it.
        check(answer(port, "api.example.com") == ["192.0.2.31"], "a healthy HTTPS endpoint answers")
        time.sleep(0.3)
        check("api.example.com" in secure.sni, f"the HTTPS probe sends SNI (saw {secure.sni[:3]})")
        secure.status = 500
        ok, got = wait_for(port, "api.example.com", ["192.0.2.32"])
        check(ok, f"a failing HTTPS endpoint fails over (got {got})")

        body = urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5).read().decode()
        check('cloudtwin_dns_health_check_healthy{check="web-check"}' in body, "metrics show each check's status")
        check('cloudtwin_dns_health_check_healthy{check="tls-check"} 0' in body, "a failed check shows 0")
        check("cloudtwin_dns_health_check_probes_total" in body, "metrics count the probes")

        tcp.close()  # connections are refused now
        ok, got = wait_for(port, "db.example.com", ["192.0.2.22"])
        check(ok, f"a refused TCP connection fails the check (got {got})")

        with open(log_path) as f:
            text_log = f.read()
        check("probing 4 health check(s)" in text_log, "the start line says how many checks are probed")
        check("health check web-check: healthy -> unhealthy" in text_log, "the failure is logged")
        check("health check web-check: unhealthy -> healthy" in text_log, "the recovery is logged")
        proc.send_signal(signal.SIGTERM)
        check(proc.wait(timeout=10) == 0, "SIGTERM while probing exits 0")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        web.close()
        text.close()
        secure.close()
        tcp.close()
        log.close()
        with open(log_path) as f:
            server_log = f.read()
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(server_log)
        print(f"{len(failures)} failure(s)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
