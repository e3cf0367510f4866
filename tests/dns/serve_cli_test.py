#!/usr/bin/env python3
"""`cloudtwin serve dns` as a user runs it: one log line per start, reload, rejected reload and
stop; reload on SIGHUP and when the zone file changes; a bad reload keeps the old zones serving;
Prometheus metrics over HTTP; IPv4 and IPv6 listeners; a clean exit on SIGTERM. Everything on
loopback with kernel-chosen free ports; the server is stopped by its pid.

usage: serve_cli_test.py CLOUDTWIN
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import dns.message
import dns.query
import dns.rcode

ZONE = """$ORIGIN example.com.
@ 900 IN SOA ns1 hostmaster {serial} 7200 900 1209600 86400
@ IN NS ns1
ns1 IN A 192.0.2.53
www 300 IN A {address}
"""

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def free_port(family=socket.AF_INET, host="127.0.0.1"):
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def ask(name, port, host="127.0.0.1", tries=20):
    q = dns.message.make_query(name, "A")
    for _ in range(tries):
        try:
            return dns.query.udp(q, host, port=port, timeout=0.25)
        except Exception:
            time.sleep(0.05)
    return None


def address(resp):
    if resp is None or not resp.answer:
        return None
    return resp.answer[0][0].address


def answer_has_df(port):
    """Sends a query to 127.0.0.1:PORT and returns whether its answer's IPv4 header says "never
    fragmented" (None when no answer was seen within 2 s)."""
    eth_p_ip = 0x0800
    with socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(eth_p_ip)) as sniff:
        sniff.bind(("lo", eth_p_ip))
        sniff.settimeout(0.2)
        q = dns.message.make_query("www.example.com", "A")
        wire = q.to_wire()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as c:
            c.sendto(wire, ("127.0.0.1", port))
            end = time.time() + 2
            while time.time() < end:
                try:
                    packet = sniff.recv(65535)
                except socket.timeout:
                    continue
                ihl = (packet[0] & 0x0F) * 4
                if packet[9] != 17 or len(packet) < ihl + 10:
                    continue
                source_port = int.from_bytes(packet[ihl:ihl + 2], "big")
                payload = packet[ihl + 8:]
                if source_port == port and payload[:2] == wire[:2] and payload[2] & 0x80:
                    # DF, and an IP ID of 0: the kernel's mark of a socket that never fragments
                    # (IP_PMTUDISC_PROBE); a default socket sets DF too but fragments what is
                    # larger than the MTU, and numbers its packets for that.
                    return bool(packet[6] & 0x40) and packet[4:6] == b"\0\0"
    return None


def wait_for_log(proc_log, text, timeout=10.0):
    end = time.time() + timeout
    while time.time() < end:
        with open(proc_log) as f:
            if text in f.read():
                return True
        time.sleep(0.05)
    return False


def main():
    cloudtwin = sys.argv[1]
    work = tempfile.mkdtemp(prefix="cloudtwin-serve-")
    zone = os.path.join(work, "example.com.zone")
    log = os.path.join(work, "log")
    with open(zone, "w") as f:
        f.write(ZONE.format(serial=1, address="192.0.2.1"))
    port = free_port()
    metrics_port = free_port(socket.AF_INET)
    listen = ["--listen", f"127.0.0.1:{port}"]
    has_v6 = True
    try:
        v6_port = free_port(socket.AF_INET6, "::1")
        listen += ["--listen", f"[::1]:{v6_port}"]
    except OSError:
        has_v6 = False
    start = time.monotonic()
    proc = subprocess.Popen([cloudtwin, "serve", "dns", zone, *listen, "--threads", "2",
                             "--metrics", f"127.0.0.1:{metrics_port}"],
                            stdout=subprocess.DEVNULL, stderr=open(log, "w"))
    try:
        check(address(ask("www.example.com", port)) == "192.0.2.1", "the zone is served over IPv4")
        print(f"first answer after {time.monotonic() - start:.3f} s")
        if has_v6:
            check(address(ask("www.example.com", v6_port, "::1")) == "192.0.2.1", "the zone is served over IPv6")
        with open(log) as f:
            lines = f.read().splitlines()
        check(len([l for l in lines if "serving 1 zone(s)" in l]) == 1, f"one start line: {lines}")

        # Reload on SIGHUP.
        with open(zone, "w") as f:
            f.write(ZONE.format(serial=2, address="192.0.2.2"))
        os.kill(proc.pid, signal.SIGHUP)
        check(wait_for_log(log, "reloaded (SIGHUP)"), "SIGHUP reloads and logs it")
        check(address(ask("www.example.com", port)) == "192.0.2.2", "the reloaded zone answers")

        # Reload when the file changes, without a signal.
        time.sleep(0.05)
        with open(zone, "w") as f:
            f.write(ZONE.format(serial=3, address="192.0.2.3") + "; changed\n")
        check(wait_for_log(log, "reloaded (input changed)"), "a changed file reloads and logs it")
        check(address(ask("www.example.com", port)) == "192.0.2.3", "the changed zone answers")

        # A bad reload is rejected with its located error; the old zone keeps serving.
        with open(zone, "w") as f:
            f.write(ZONE.format(serial=4, address="192.0.2.999"))
        os.kill(proc.pid, signal.SIGHUP)
        check(wait_for_log(log, "reload rejected"), "a bad reload is rejected")
        with open(log) as f:
            text = f.read()
        check("example.com.zone:5:" in text, f"the error names the file and line: {text}")
        check(address(ask("www.example.com", port)) == "192.0.2.3", "the old zone still answers")

        # Metrics.
        body = urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5).read().decode()
        check('cloudtwin_dns_queries_total{type="A"}' in body, "metrics count queries by type")
        check('cloudtwin_dns_reloads_total{result="ok"} 2' in body, f"metrics count reloads: {body[-600:]}")
        check('cloudtwin_dns_reloads_total{result="failed"} 1' in body, "metrics count failed reloads")
        check("cloudtwin_dns_latency_seconds_bucket" in body, "metrics have a latency histogram")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/other", timeout=5)
            check(False, "an unknown path is 404")
        except urllib.error.HTTPError as e:
            check(e.code == 404, "an unknown path is 404")

        # Answers over IPv4 carry DF (RFC 9715 section 3.1, R1): seen on the wire with a packet
        # socket on lo (root only), matched by the server's port and the query's id.
        if os.geteuid() == 0 and hasattr(socket, "AF_PACKET"):
            df = answer_has_df(port)
            check(df is True, f"the IPv4 answer has DF set and is never fragmented (got {df})")
        else:
            print("skipped the DF check: it needs a packet socket (root)")

        # Clean stop.
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=10)
        check(code == 0, f"SIGTERM exits 0 (got {code})")
        check(wait_for_log(log, "stopped", 1), "the stop is logged")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        with open(log) as f:
            print(f.read())
        shutil.rmtree(work, ignore_errors=True)

    # Usage errors: exit 2 with a message, nothing served.
    r = subprocess.run([cloudtwin, "serve", "dns", zone + ".missing", "--listen", "127.0.0.1:0"],
                       capture_output=True, text=True, timeout=30)
    check(r.returncode == 2, "a missing input is exit 2")
    r = subprocess.run([cloudtwin, "serve", "dns", os.devnull, "--listen", "localhost:53"],
                       capture_output=True, text=True, timeout=30)
    check(r.returncode == 2 and "--listen" in r.stderr, f"a bad --listen is a usage error: {r.stderr}")

    # A cli53 alias line with a TTL no number type holds: a located error, not a crash.
    bad = tempfile.mkdtemp(prefix="cloudtwin-badzone-")
    try:
        path = os.path.join(bad, "example.com.zone")
        with open(path, "w") as f:
            f.write("x 99999999999999999999999 AWS ALIAS A a $self false\n")
        r = subprocess.run([cloudtwin, "validate", path], capture_output=True, text=True, timeout=30)
        check(r.returncode == 2 and "example.com.zone:1:1:" in r.stderr and "outside 0-2147483647" in r.stderr,
              f"an overlong TTL is a located error: {r.returncode} {r.stderr}")
    finally:
        shutil.rmtree(bad, ignore_errors=True)

    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    print("serve dns: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
