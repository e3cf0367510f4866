#!/usr/bin/env python3
"""Differential test of `cloudtwin serve dns` against NSD and Knot (issue 11; route53.md §11.1).

The test starts NSD, Knot and cloudtwin on free 127.0.0.1 ports with the same zone files, asks
each the same queries and compares the answers property by property: rcode (extended too),
opcode, header flags, question, EDNS (present, version, DO, options, payload), and the answer,
authority and additional sections as unordered RRsets with TTLs (owner names compared without
case; whether the answer keeps the query's case is compared on its own).

  NSD == Knot != cloudtwin   a failure, unless listed in EXPECTED_DIFFERENCES below
  NSD != Knot                "unstable": counted and summarised (which side cloudtwin matched),
                             never a failure; docs/dns-differential.md says which RFC text
                             cloudtwin follows there

Queries (zone_cases): every owner and empty non-terminal × {its types, A, AAAA, MX, TXT, NS, SOA,
CNAME, DS, ANY, an absent type, TYPE65280}; NXDOMAIN names under each node; names below
wildcards, delegations and DNAMEs; each over UDP without EDNS, with EDNS 1232, with EDNS 512,
with DO=1, and over TCP with and without EDNS; every name in mixed case (UDP, DO=1, TCP). Then
RFC 8906 §8, genreport and malformed-packet cases (protocol_cases). About 7,800 cases, batched,
in 10 s on a loaded two-core machine; --only, --show, --list and -v help when one fails.

Exit status: 0 when nothing failed, 1 on a failure, 77 (CTest's skip) when NSD, Knot or
dnspython is missing. Everything runs on 127.0.0.1; each server is stopped by its pid.
"""

import argparse
import collections
import os
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

try:
    import dns.message
except ImportError:  # a Python other than Debian's (pyenv) first on PATH: use Debian's dnspython
    sys.path.append("/usr/lib/python3/dist-packages")
    try:
        import dns.message
    except ImportError:
        print("SKIP: python3-dnspython is not installed")
        sys.exit(77)
import dns.flags
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.zone

SKIP = 77

# Known differences where NSD and Knot agree and cloudtwin does not (yet). Each row: a regular
# expression for the case ids it covers (`qname/TYPE/variant` or `proto:NAME`; --list prints
# them), the properties ("|" between several), and what cloudtwin does instead, with the RFC
# text. The lead empties this table as the server is fixed: a row that no longer matches any
# failure fails the test ("FIXED?"), so the table never outlives the bug it excuses.
DNAME_BELOW = r"(?i)[^/]+\.(old\.example\.com|dn\.rules\.test)\./[A-Z0-9]+/[a-z0-9-]+"
CNAME_TO_DNAME = r"(?i)(tocname|([^/]+\.)?wcname)\.rules\.test\./[A-Z0-9]+/[a-z0-9-]+"
EXPECTED_DIFFERENCES = [
    # Empty: every difference found so far (DNAME and CNAME-through-DNAME chains, ANY over TCP,
    # AXFR over UDP, CD, CHAOS, QCLASS ANY, EDE 20, OPT in FORMERR) is fixed in the server.
]

PEERS = ("nsd", "knot", "cloudtwin")
PROPERTIES = ("response", "rcode", "opcode", "flags", "question", "edns", "edns_payload",
              "answer", "authority", "additional", "answer_case")

# Types asked at every name; TYPE65280 is in the private-use range (RFC 6895 §3.1) and LOC is in
# none of the zones: both are a type the name does not have, unless a zone says otherwise.
COMMON_TYPES = ("A", "AAAA", "MX", "TXT", "NS", "SOA", "CNAME", "DS", "ANY", "LOC", "TYPE65280")
NX_TYPES = ("A", "DS", "ANY")
BELOW_TYPES = ("A", "TXT", "MX", "NS", "DS", "CNAME", "ANY", "LOC")

# name: (transport, EDNS payload or None, DO bit)
VARIANTS = {
    "udp": ("udp", None, False),
    "edns": ("udp", 1232, False),
    "edns512": ("udp", 512, False),
    "do": ("udp", 1232, True),
    "tcp": ("tcp", None, False),
    "tcp-edns": ("tcp", 1232, False),
}
ALL_VARIANTS = tuple(VARIANTS)
CASE_VARIANTS = ("udp", "do", "tcp")

UDP_TIMEOUT = 0.4   # seconds per try; loopback answers take well under a millisecond
UDP_TRIES = 3
TCP_TIMEOUT = 2.0


# --------------------------------------------------------------------------------------------
# Servers


def free_port():
    """A port free for both UDP and TCP on 127.0.0.1."""
    for _ in range(50):
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        tcp.bind(("127.0.0.1", 0))
        port = tcp.getsockname()[1]
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            udp.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            udp.close()
            tcp.close()
    raise RuntimeError("no free port on 127.0.0.1")


class Server:
    def __init__(self, name, argv, port, workdir):
        self.name = name
        self.argv = argv
        self.port = port
        self.log_path = os.path.join(workdir, name + ".out")
        self.proc = None

    def start(self):
        log = open(self.log_path, "wb")
        # A session of its own, so that a server that ignores SIGTERM can be ended with its
        # children (NSD forks) by its process group id, which is its pid.
        self.proc = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")[-3000:]
        except OSError:
            return ""

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=5)


def nsd_server(nsd, workdir, zones):
    port = free_port()
    d = os.path.join(workdir, "nsd")
    os.mkdir(d)
    conf = os.path.join(d, "nsd.conf")
    with open(conf, "w") as f:
        f.write(f"""server:
    ip-address: 127.0.0.1@{port}
    do-ip6: no
    server-count: 1
    username: ""
    chroot: ""
    database: ""
    zonesdir: "{d}"
    pidfile: "{d}/nsd.pid"
    xfrdfile: "{d}/xfrd.state"
    xfrdir: "{d}"
    zonelistfile: "{d}/zone.list"
    logfile: "{d}/nsd.log"
    verbosity: 1
    # NSD limits each /24 to 200 answers/s by default: off, or answers go missing or get TC
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0
    # NSD's default adds the zone's NS RRset (and its glue) to every positive answer; Knot and
    # cloudtwin do not (RFC 2181 §6.1 makes it optional): without this every authority and
    # additional section of a positive answer would be "unstable" and go unchecked
    minimal-responses: yes
remote-control:
    control-enable: no
""")
        for origin, path in zones:
            f.write(f'zone:\n    name: "{origin}"\n    zonefile: "{path}"\n')
    return Server("nsd", [nsd, "-d", "-c", conf], port, workdir)


def knot_server(knotd, workdir, zones):
    port = free_port()
    d = os.path.join(workdir, "knot")
    os.mkdir(d)
    conf = os.path.join(d, "knot.conf")
    with open(conf, "w") as f:
        f.write(f"""server:
    rundir: "{d}"
    listen: 127.0.0.1@{port}
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
log:
  - target: stderr
    any: warning
database:
    storage: "{d}"
template:
  - id: default
    storage: "{d}"
    zonefile-sync: -1
    journal-content: none
    semantic-checks: off
zone:
""")
        for origin, path in zones:
            f.write(f'  - domain: "{origin}"\n    file: "{path}"\n')
    return Server("knot", [knotd, "-c", conf], port, workdir)


def cloudtwin_server(cloudtwin, workdir, zones):
    port = free_port()
    argv = [cloudtwin, "serve", "dns", "-q"] + [p for _, p in zones] + [
        "--listen", f"127.0.0.1:{port}", "--threads", "1"]
    return Server("cloudtwin", argv, port, workdir)


# --------------------------------------------------------------------------------------------
# Client


class Client:
    """Asks the three servers the same queries: over UDP a batch at a time to all three at once
    (resending what is lost), over TCP a batch pipelined on one kept connection per server
    (RFC 7766 §6.2.1.1; answers matched by ID, in any order). Each query gets an ID of its own,
    so a late answer never passes for another's."""

    BATCH = 48

    def __init__(self, servers):
        self.servers = servers
        self.next_id = 1
        self.udp = {}
        self.tcp = {}
        for s in servers:
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            sock.connect(("127.0.0.1", s.port))
            sock.setblocking(False)
            self.udp[s.name] = sock

    def close(self):
        for sock in list(self.udp.values()) + list(self.tcp.values()):
            sock.close()

    def _ids(self, wires):
        out = {}
        for w in wires:
            out[self.next_id] = struct.pack("!H", self.next_id) + w[2:]
            self.next_id = self.next_id % 65535 + 1
        return out

    def ask(self, wires, transport, fresh=False):
        """{server: [answer or None for each wire]}"""
        out = {s.name: [] for s in self.servers}
        step = 1 if fresh else self.BATCH
        for i in range(0, len(wires), step):
            chunk = self._ids(wires[i:i + step])
            if transport == "udp":
                got = self._ask_udp(chunk)
            else:
                got = {s.name: self._ask_tcp(s, chunk, fresh) for s in self.servers}
            for name in out:
                out[name] += [got[name].get(qid) for qid in chunk]
        return out

    def _ask_udp(self, chunk):
        answers = {s.name: {} for s in self.servers}
        for _ in range(UDP_TRIES):
            waiting = {self.udp[n]: n for n in answers if len(answers[n]) < len(chunk)}
            if not waiting:
                break
            for sock, name in waiting.items():
                for qid, wire in chunk.items():
                    if qid not in answers[name]:
                        try:
                            sock.send(wire)
                        except OSError:
                            pass
            deadline = time.monotonic() + UDP_TIMEOUT
            while waiting:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                ready, _, _ = select.select(list(waiting), [], [], left)
                for sock in ready:
                    name = waiting[sock]
                    while True:
                        try:
                            data = sock.recv(65535)
                        except OSError:
                            break
                        if len(data) >= 2:
                            qid = struct.unpack("!H", data[:2])[0]
                            if qid in chunk and qid not in answers[name]:
                                answers[name][qid] = data
                    if len(answers[name]) == len(chunk):
                        del waiting[sock]
        return answers

    def _ask_tcp(self, server, chunk, fresh):
        answers = {}
        for _ in range(2):
            sock = self.tcp.pop(server.name, None)
            if sock is None or fresh:
                if sock is not None:
                    sock.close()
                try:
                    sock = socket.create_connection(("127.0.0.1", server.port), timeout=TCP_TIMEOUT)
                except OSError:
                    return answers
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                sock.sendall(b"".join(struct.pack("!H", len(w)) + w
                                      for qid, w in chunk.items() if qid not in answers))
                while len(answers) < len(chunk):
                    head = recv_exact(sock, 2)
                    body = head and recv_exact(sock, struct.unpack("!H", head)[0])
                    if not body:
                        raise ConnectionResetError("closed by the server")
                    if len(body) >= 2:
                        answers[struct.unpack("!H", body[:2])[0]] = body
                self.tcp[server.name] = sock
                return answers
            except socket.timeout:
                sock.close()
                return answers
            except OSError:
                # Closed: an idle kept connection, or the server's way to end a bad query.
                # Once more on a fresh connection; closed again means no answer.
                sock.close()
                fresh = True
        return answers

    def ask_tcp_pipelined(self, wires):
        """All queries written at once on a fresh connection: the answers, in arrival order."""
        out = {}
        for s in self.servers:
            got = []
            try:
                sock = socket.create_connection(("127.0.0.1", s.port), timeout=TCP_TIMEOUT)
            except OSError:
                out[s.name] = got
                continue
            try:
                sock.sendall(b"".join(struct.pack("!H", len(w)) + w for w in wires))
                for _ in wires:
                    head = recv_exact(sock, 2)
                    body = head and recv_exact(sock, struct.unpack("!H", head)[0])
                    if not body:
                        break
                    got.append(body)
            except OSError:
                pass
            finally:
                sock.close()
            out[s.name] = got
        return out


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


# --------------------------------------------------------------------------------------------
# Answers as comparable properties

FLAG_BITS = (("qr", 0x8000), ("aa", 0x0400), ("tc", 0x0200), ("rd", 0x0100), ("ra", 0x0080),
             ("z", 0x0040), ("ad", 0x0020), ("cd", 0x0010))


# Types whose rdata holds domain names, with the fixed-length fields before and after them
# (RFC 3597 §4: only these may be compressed; RFC 4034 §6.2: their names compare without case).
# SVCB/HTTPS targets are never compressed (RFC 9460 §2.2) but compare the same way.
NAMES_IN_RDATA = {2: (0, 1), 5: (0, 1), 12: (0, 1), 39: (0, 1), 15: (2, 1), 33: (6, 1),
                  6: (0, 2), 64: (2, 1), 65: (2, 1)}
NAPTR = 35


def read_name(wire, off):
    """(the name in uncompressed wire form with its case, the offset after it)."""
    labels, end, jumps = [], None, 0
    while True:
        length = wire[off]
        if length >= 0xc0:
            jumps += 1
            if jumps > 64:
                raise ValueError("compression loop")
            if end is None:
                end = off + 2
            off = ((length & 0x3f) << 8) | wire[off + 1]
            continue
        if length > 63:
            raise ValueError("bad label type")
        if length == 0:
            break
        labels.append(wire[off:off + 1 + length])
        if len(labels[-1]) != 1 + length:
            raise IndexError("name past the end")
        off += 1 + length
    return b"".join(labels) + b"\x00", end if end is not None else off + 1


def canonical_rdata(wire, rtype, start, end):
    """The rdata with names decompressed and in lower case (RFC 4034 §6.2)."""
    if rtype == NAPTR:
        off = start + 4
        for _ in range(3):
            off += 1 + wire[off]
        name, _ = read_name(wire, off)
        return wire[start:off] + name.lower()
    if rtype not in NAMES_IN_RDATA:
        return wire[start:end]
    before, count = NAMES_IN_RDATA[rtype]
    out, off = [wire[start:start + before]], start + before
    for _ in range(count):
        name, off = read_name(wire, off)
        out.append(name.lower())
    out.append(wire[off:end])
    return b"".join(out)


class Section:
    """A section as a set of RRsets, equal whatever the order of RRsets and of the records in
    them: owner without case (RFC 4343), class, type, TTLs, and canonical rdata. Printed with
    dnspython, which is only asked when something is printed."""

    def __init__(self, rrsets, wire, index):
        self.key = frozenset((k, frozenset(v["ttl"]), frozenset(v["rdata"]))
                             for k, v in rrsets.items())
        self.wire, self.index = wire, index

    def __eq__(self, other):
        return isinstance(other, Section) and self.key == other.key

    def __hash__(self):
        return hash(self.key)

    def __repr__(self):
        try:  # dnspython knows opcodes 0-6 only: show any other as a query
            msg = dns.message.from_wire(self.wire[:2] + bytes([self.wire[2] & 0x87])
                                        + self.wire[3:], ignore_trailing=True)
        except Exception as e:  # noqa: BLE001
            return f"(dnspython cannot show it: {e})"
        rrsets = msg.sections[self.index]
        if not rrsets:
            return "(empty)"
        return "; ".join(sorted(
            f"{r.name} {r.ttl} {dns.rdataclass.to_text(r.rdclass)} "
            f"{dns.rdatatype.to_text(r.rdtype)} " + " | ".join(sorted(rd.to_text() for rd in r))
            for r in rrsets))


def name_text(name_wire):
    return dns.name.from_wire(name_wire, 0)[0].to_text()


def describe(wire, qname):
    """The compared properties of one answer (response "none" when none came). Decoded here
    rather than by dnspython, which is five times slower: the test must keep well under a
    minute on a loaded two-core machine."""
    p = dict.fromkeys(PROPERTIES)
    if wire is None:
        p["response"] = "none"
        return p
    try:
        qid, bits, qd, an, ns, ar = struct.unpack("!HHHHHH", wire[:12])
        off, questions = 12, []
        for _ in range(qd):
            name, off = read_name(wire, off)
            qtype, qclass = struct.unpack("!HH", wire[off:off + 4])
            off += 4
            questions.append((name, qtype, qclass))
        sections = [{}, {}, {}]
        edns = None
        for i, count in enumerate((an, ns, ar)):
            for _ in range(count):
                name, off = read_name(wire, off)
                rtype, rclass, ttl, rdlen = struct.unpack("!HHIH", wire[off:off + 10])
                off += 10
                if off + rdlen > len(wire):
                    raise IndexError("rdata past the end")
                if rtype == 41 and i == 2:
                    edns = (rclass, ttl, wire[off:off + rdlen])
                else:
                    rrset = sections[i].setdefault((name.lower(), rclass, rtype),
                                                   {"ttl": set(), "rdata": set(), "owners": set()})
                    rrset["ttl"].add(ttl)
                    rrset["rdata"].add(canonical_rdata(wire, rtype, off, off + rdlen))
                    rrset["owners"].add(name)
                off += rdlen
    except (IndexError, ValueError, struct.error) as e:
        p["response"] = f"undecodable ({e}): {wire[:80].hex()}"
        return p
    p["response"] = "answer"
    rcode = bits & 0xf
    p["opcode"] = str((bits >> 11) & 0xf)
    p["flags"] = " ".join(n for n, b in FLAG_BITS if bits & b) or "(none)"
    p["question"] = "; ".join(f"{name_text(n)} {dns.rdataclass.to_text(c)} "
                              f"{dns.rdatatype.to_text(t)}" for n, t, c in questions) or "(none)"
    if edns is None:
        p["edns"] = "no EDNS"
    else:
        payload, ttl, rdata = edns
        rcode |= (ttl >> 24) << 4
        options, o = [], 0
        while o + 4 <= len(rdata):
            code, length = struct.unpack("!HH", rdata[o:o + 4])
            # RFC 8914: an Extended DNS Error's INFO-CODE is part of what is compared
            options.append(f"{code}:{struct.unpack('!H', rdata[o + 4:o + 6])[0]}"
                           if code == 15 and length >= 2 else str(code))
            o += 4 + length
        p["edns"] = (f"EDNS version {(ttl >> 16) & 0xff}, do={(ttl >> 15) & 1}, "
                     f"other flags={ttl & 0x7fff:#06x}, options={sorted(options)}")
        p["edns_payload"] = payload
    p["rcode"] = dns.rcode.to_text(rcode)
    p["answer"], p["authority"], p["additional"] = (Section(s, wire, i + 1)
                                                    for i, s in enumerate(sections))
    # RFC 1034 §3.1, RFC 4343 §4.1: the answer's owner is the name as asked, case included
    if qname is not None:
        asked = name_wire(qname) + b"\x00"
        owners = set()
        for (lower, _, _), rrset in sections[0].items():
            if lower == asked.lower():
                owners |= rrset["owners"]
        if owners:
            p["answer_case"] = ("keeps the query's case" if owners == {asked} else
                                "answer owner " + ", ".join(sorted(name_text(o) for o in owners)))
    return p


def describe_pipeline(wires):
    answered = []
    for w in wires:
        try:
            rcode = dns.rcode.to_text(dns.message.from_wire(w).rcode())
        except Exception:  # noqa: BLE001
            rcode = "undecodable"
        answered.append(f"id {struct.unpack('!H', w[:2])[0]} {rcode}")
    p = dict.fromkeys(PROPERTIES)
    p["response"] = f"{len(wires)} answers: " + ", ".join(sorted(answered))
    return p


def render(p):
    if p["response"] != "answer":
        return p["response"]
    edns = p["edns"] if p["edns_payload"] is None else f"{p['edns']}, payload={p['edns_payload']}"
    return (f"{p['rcode']} [{p['flags']}] opcode={p['opcode']} {edns}\n"
            f"        question:   {p['question']}\n"
            f"        answer:     {p['answer']!r}\n"
            f"        authority:  {p['authority']!r}\n"
            f"        additional: {p['additional']!r}")


# --------------------------------------------------------------------------------------------
# Cases


class Case:
    def __init__(self, cid, kind, wire, transport, text, qname=None, dig=""):
        self.cid = cid            # stable id, matched by EXPECTED_DIFFERENCES
        self.kind = kind          # the group it is counted in when NSD and Knot disagree
        self.wire = wire          # the query (its ID is replaced when sent)
        self.transport = transport  # "udp", "tcp", "tcp-fresh" (own connection), "tcp-pipeline"
        self.text = text
        self.qname = qname        # the name asked, with its case
        self.dig = dig            # the same query with dig, after "dig @ADDR -p PORT"
        self.pipeline = None      # for "tcp-pipeline": the queries written at once


def name_wire(name):
    return b"".join(bytes([len(label)]) + label for label in name.labels)


def query_wire(qname, rdtype, rdclass=1, payload=None, do=False, flags=0, edns_version=0,
               ednsflags=0, options=b""):
    """A query in wire form, ID 0 (dnspython's make_query costs a millisecond on a busy box)."""
    opt = b""
    if payload is not None:
        ttl = (edns_version << 16) | (0x8000 if do else 0) | ednsflags
        opt = b"\x00" + struct.pack("!HHIH", 41, payload, ttl, len(options)) + options
    return (struct.pack("!HHHHHH", 0, flags, 1, 0, 0, 1 if opt else 0) + name_wire(qname)
            + struct.pack("!HH", rdtype, rdclass) + opt)


DIG_VARIANT = {"udp": "+noedns", "edns": "+bufsize=1232", "edns512": "+bufsize=512",
               "do": "+bufsize=1232 +dnssec", "tcp": "+tcp +noedns",
               "tcp-edns": "+tcp +bufsize=1232"}


def make_case(qname, qtype, variant, kind):
    transport, payload, do = VARIANTS[variant]
    wire = query_wire(qname, dns.rdatatype.from_text(qtype), payload=payload, do=do)
    return Case(f"{qname}/{qtype}/{variant}", kind, wire, transport,
                f"{qname} IN {qtype} over {variant}", qname,
                f"+norec {DIG_VARIANT[variant]} {qname} {qtype}")


def alternate_case(name):
    out, upper = [], True
    for ch in name.to_text():
        if ch.isalpha():
            out.append(ch.upper() if upper else ch.lower())
            upper = not upper
        else:
            out.append(ch)
    return dns.name.from_text("".join(out))


def zone_cases(zone):
    """Every (name, type, variant) the test asks about in one zone."""
    origin = zone.origin
    owners = sorted(zone.nodes.keys())
    owner_set = set(owners)

    def present(name):
        node = zone.get_node(name)
        return [dns.rdatatype.to_text(r.rdtype) for r in node.rdatasets] if node else []

    def with_present(name, base):
        return list(base) + [t for t in present(name) if t not in base]

    ents = set()
    for o in owners:
        n = o.parent() if o != origin else None
        while n is not None and n != origin and n.is_subdomain(origin):
            if n not in owner_set:
                ents.add(n)
            n = n.parent()
    ents = sorted(ents)
    names = []  # (kind, name, types, variants)
    for o in owners:
        names.append(("owner", o, with_present(o, COMMON_TYPES), ALL_VARIANTS))
    for e in ents:
        names.append(("empty non-terminal", e, COMMON_TYPES, ALL_VARIANTS))
    for o in owners + ents:
        names.append(("nxdomain probe", dns.name.Name((b"nx-probe",) + o.labels), NX_TYPES,
                      ALL_VARIANTS))
        names.append(("mixed case", alternate_case(o), with_present(o, ("A", "ANY")),
                      CASE_VARIANTS))
    for o in owners:
        node_types = present(o)
        if o.labels[0] == b"*":
            for below in ((b"x",), (b"Host-42",), (b"a", b"b")):
                names.append(("below wildcard", dns.name.Name(below + o.parent().labels),
                              with_present(o, BELOW_TYPES), ALL_VARIANTS))
        if "NS" in node_types and o != origin:
            for below in ((b"x",), (b"a", b"b")):
                names.append(("below delegation", dns.name.Name(below + o.labels),
                              BELOW_TYPES, ALL_VARIANTS))
        if "DNAME" in node_types:
            for below in ((b"x",), (b"Y",), (b"nx", b"deeper")):
                names.append(("below DNAME", dns.name.Name(below + o.labels),
                              BELOW_TYPES + ("DNAME",), ALL_VARIANTS))
    return [make_case(name, t, v, kind)
            for kind, name, types, variants in names for t in types for v in variants]


def patched(wire, header_or=0, opcode=None):
    flags = struct.unpack("!H", wire[2:4])[0] | header_or
    if opcode is not None:
        flags = (flags & ~0x7800) | (opcode << 11)
    return wire[:2] + struct.pack("!H", flags) + wire[4:]


def protocol_cases(zones):
    """RFC 8906 §8, ISC genreport's checks and malformed queries (route53.md §11), asked of the
    zone with a TXT RRset at `long` (too big for 512 octets), or else of the first zone."""
    def has_long(z):
        node = z.get_node(dns.name.Name((b"long",) + z.origin.labels))
        return node is not None and node.get_rdataset(dns.rdataclass.IN, dns.rdatatype.TXT)
    apex = next((z.origin for z in zones if has_long(z)), zones[0].origin)
    long_name = dns.name.Name((b"long",) + apex.labels)
    cases = []
    SOA, CH = 6, 3

    def add(name, wire, text, transport="udp", dig="", qname=None):
        cases.append(Case("proto:" + name, "protocol: " + name, wire, transport, text, qname, dig))

    def q(name=apex, rdtype=SOA, **kw):
        return query_wire(name, rdtype, **kw)

    add("plain", q(), f"{apex} SOA, no EDNS", dig=f"+norec +noedns {apex} SOA")
    add("edns", q(payload=1232), f"{apex} SOA, EDNS 0", dig=f"+norec {apex} SOA")
    add("edns-version-1", q(payload=1232, edns_version=1),
        f"{apex} SOA, EDNS version 1 (RFC 6891 §6.1.3: BADVERS)",
        dig=f"+norec +edns=1 +noednsneg {apex} SOA")
    add("edns-version-1-tcp", q(payload=1232, edns_version=1),
        f"{apex} SOA, EDNS version 1, over TCP", "tcp-fresh")
    add("edns-unknown-option", q(payload=1232, options=struct.pack("!HH", 100, 2) + b"\x01\x02"),
        f"{apex} SOA, EDNS option 100 (RFC 6891 §6.1.2: ignored, not echoed)",
        dig=f"+norec +ednsopt=100:0102 {apex} SOA")
    add("edns-unknown-flag", q(payload=1232, ednsflags=0x4000),
        f"{apex} SOA, an undefined EDNS flag set (RFC 6891 §6.1.4: cleared in the answer)",
        dig=f"+norec +ednsflags=0x4000 {apex} SOA")
    add("edns-do", q(payload=1232, do=True), f"{apex} SOA, DO=1 (RFC 3225 §3: DO copied)",
        dig=f"+norec +dnssec {apex} SOA")
    add("edns-payload-100", q(long_name, 16, payload=100),
        f"{long_name} TXT, EDNS payload 100 (RFC 6891 §6.2.5: below 512 counts as 512)",
        dig=f"+norec +bufsize=100 {long_name} TXT")
    add("edns-payload-0", q(payload=0), f"{apex} SOA, EDNS payload 0")
    w = q(payload=1232)
    add("edns-two-opt", w[:10] + struct.pack("!H", 2) + w[12:] + w[-11:],
        f"{apex} SOA with two OPT records (RFC 6891 §6.1.1: FORMERR)")
    add("edns-opt-in-answer",
        w[:6] + struct.pack("!H", 1) + w[8:10] + struct.pack("!H", 0) + w[12:],
        f"{apex} SOA with the OPT record in the answer section")
    add("opcode-15", patched(q(), opcode=15),
        f"{apex} SOA with opcode 15 (RFC 1035 §4.1.1: NOTIMP)")
    add("opcode-15-edns", patched(q(payload=1232), opcode=15), f"{apex} SOA, opcode 15, EDNS")
    add("opcode-iquery", patched(q(), opcode=1), f"{apex} SOA with opcode IQUERY (RFC 3425)")
    add("opcode-status", patched(q(), opcode=2), f"{apex} SOA with opcode STATUS (2)")
    add("opcode-update", patched(q(), opcode=5), f"{apex} SOA with opcode UPDATE (RFC 2136)")
    add("class-ch", q(rdclass=CH), f"{apex} CH SOA", dig=f"+norec -c CH {apex} SOA")
    add("class-any", q(rdclass=255), f"{apex} ANY-class SOA", dig=f"+norec -c ANY {apex} SOA")
    add("class-none", q(rdclass=254), f"{apex} NONE-class SOA")
    add("class-42", q(rdclass=42), f"{apex} CLASS42 SOA")
    add("chaos-version-bind", q(dns.name.from_text("version.bind."), 16, rdclass=CH),
        "version.bind CH TXT", dig="+norec -c CH version.bind TXT")
    add("chaos-id-server", q(dns.name.from_text("id.server."), 16, rdclass=CH), "id.server CH TXT")
    outside = dns.name.from_text("example.invalid.")
    add("outside-zone", q(outside, 1), f"{outside} A (RFC 8906 §3.1.5: REFUSED)",
        dig=f"+norec {outside} A")
    add("outside-zone-edns", q(outside, 1, payload=1232), f"{outside} A, EDNS")
    add("outside-zone-tcp", q(outside, 1), f"{outside} A over TCP", "tcp-fresh")
    add("root-soa", q(dns.name.root), ". SOA (above every zone)")
    add("parent-of-zone", q(apex.parent()), f"{apex.parent()} SOA (parent of a zone)")
    sibling = dns.name.Name((b"not" + apex.labels[0],) + apex.labels[1:])
    add("suffix-sibling", q(sibling, 1), f"{sibling} A (ends like a zone, is not in it)")
    add("qdcount-0", struct.pack("!HHHHHH", 0, 0, 0, 0, 0, 0),
        "a header alone, QDCOUNT 0 (RFC 8906 §8.2.5)")
    w = q(payload=1232)
    qd_end = 12 + len(name_wire(apex)) + 4
    add("qdcount-0-edns", w[:4] + struct.pack("!H", 0) + w[6:12] + w[qd_end:],
        "QDCOUNT 0 with an OPT record")
    w = q()
    add("qdcount-2", w[:4] + struct.pack("!H", 2) + w[6:] + w[12:], f"QDCOUNT 2, {apex} SOA twice")
    add("qdcount-2-claimed", w[:4] + struct.pack("!H", 2) + w[6:],
        "QDCOUNT 2, one question in the packet")
    add("truncated-qname", w[:12 + 3], "packet cut inside the question name")
    add("truncated-qtype", w[:-3], "packet cut inside QTYPE/QCLASS")
    add("truncated-header", w[:7], "7 octets (less than a header)")
    add("truncated-tcp", w[:-3], "packet cut inside QTYPE/QCLASS, over TCP", "tcp-fresh")
    add("compression-loop", w[:12] + b"\xc0\x0c" + struct.pack("!HH", 6, 1),
        "question name a compression pointer to itself")
    add("label-64", w[:12] + b"\x40" + b"a" * 64 + name_wire(apex) + struct.pack("!HH", 1, 1),
        "question name with a 64-octet label (RFC 1035 §2.3.4)")
    add("qr-set", patched(w, header_or=0x8000), "QR set: a response, not a query (drop)")
    add("rd-set", q(flags=0x0100), f"{apex} SOA with RD (RFC 1035 §4.1.1: RD copied, RA clear)",
        dig=f"+rec {apex} SOA", qname=apex)
    add("cd-set", q(flags=0x0010, payload=1232), f"{apex} SOA with CD (RFC 4035 §3: copied)",
        dig=f"+norec +cdflag {apex} SOA")
    add("ad-set", q(flags=0x0020, payload=1232), f"{apex} SOA with AD (RFC 6840 §5.7)",
        dig=f"+norec +adflag {apex} SOA")
    add("z-set", patched(q(), header_or=0x0040),
        f"{apex} SOA with the Z bit (RFC 1035 §4.1.1: zero)",
        dig=f"+norec +zflag {apex} SOA")
    add("tc-set", patched(q(), header_or=0x0200), f"{apex} SOA with TC set in the query")
    add("aa-set", patched(q(), header_or=0x0400), f"{apex} SOA with AA set in the query")
    add("ancount-1", w[:6] + struct.pack("!H", 1) + w[8:], "ANCOUNT 1, no answer records")
    add("axfr-udp", q(rdtype=252), f"{apex} AXFR over UDP (RFC 5936 §4)")
    add("axfr-tcp", q(rdtype=252), f"{apex} AXFR over TCP, transfers not allowed", "tcp-fresh")
    add("ixfr-udp", q(rdtype=251), f"{apex} IXFR over UDP, no SOA in authority")
    add("qtype-opt", q(rdtype=41), f"{apex} type OPT (a meta type, RFC 6891 §6.1.1)")
    add("qtype-maila", q(rdtype=254), f"{apex} type MAILA (RFC 1035 §3.2.3)")
    add("qtype-rrsig", q(rdtype=46, payload=1232, do=True), f"{apex} RRSIG, DO=1, zone unsigned")
    add("qtype-0", q(rdtype=0), f"{apex} type 0 (reserved)")
    add("qtype-666", q(rdtype=666), f"{apex} TYPE666 (genreport)", qname=apex)
    add("long-tcp-noedns", q(long_name, 16), f"{long_name} TXT, no EDNS, over TCP", "tcp-fresh")
    add("any-tcp", q(rdtype=255), f"{apex} ANY over TCP (RFC 8482 §4)", "tcp-fresh")
    add("trailing-octets", q() + b"\x00\x01\x02", f"{apex} SOA followed by 3 stray octets")
    pipe = Case("proto:tcp-pipelined", "protocol: tcp-pipelined", b"", "tcp-pipeline",
                "five queries written at once on one TCP connection (RFC 7766 §6.2.1.1)")
    pipe.pipeline = [struct.pack("!H", 1000 + i) + q(name, t)[2:] for i, (name, t) in enumerate(
        ((apex, SOA), (apex, 2), (long_name, 16), (apex, 1), (apex, 15)))]
    cases.append(pipe)
    return cases


# --------------------------------------------------------------------------------------------
# Running and comparing


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cloudtwin", required=True, help="the cloudtwin binary")
    ap.add_argument("--zone-dir", action="append", default=[], help="a folder of *.zone files")
    ap.add_argument("--zone", action="append", default=[], help="a zone file (repeatable)")
    ap.add_argument("--nsd", default=shutil.which("nsd") or "/usr/sbin/nsd")
    ap.add_argument("--knotd", default=shutil.which("knotd") or "/usr/sbin/knotd")
    ap.add_argument("--only", help="only the cases whose id matches this regular expression")
    ap.add_argument("--list", action="store_true", help="print the case ids and exit")
    ap.add_argument("--show", help="print the three answers to the cases whose id matches this")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print every failure, and an example of every unstable group")
    ap.add_argument("--max-failures", type=int, default=20, help="failures printed in full")
    return ap.parse_args()


def load_zones(args):
    paths = list(args.zone)
    for d in args.zone_dir:
        paths += sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".zone"))
    return [(dns.zone.from_file(p, origin=None, relativize=False), os.path.abspath(p))
            for p in paths]


class ServerExited(RuntimeError):
    pass


def wait_ready(servers, client, origins, deadline):
    """Until every server answers every zone's SOA with AA."""
    wires = [query_wire(o, 6) for o in origins]
    pending = {s.name for s in servers}
    while True:
        for s in servers:
            if not s.alive():
                raise ServerExited(f"{s.name} exited with status {s.proc.returncode}:\n{s.log()}")
        for name, answers in client.ask(wires, "udp").items():
            good = True
            for wire in answers:
                try:
                    m = dns.message.from_wire(wire) if wire else None
                except Exception:  # noqa: BLE001
                    m = None
                good = good and m is not None and m.rcode() == 0 and bool(
                    m.flags & dns.flags.AA) and bool(m.answer)
            if good:
                pending.discard(name)
        if not pending:
            return
        if time.monotonic() > deadline:
            raise RuntimeError("not answering every zone's SOA: " + ", ".join(
                f"{s.name}:\n{s.log()}" for s in servers if s.name in pending))
        time.sleep(0.2)


def main():
    args = parse_args()
    for tool in (args.nsd, args.knotd):
        if not (os.path.isfile(tool) and os.access(tool, os.X_OK)):
            print(f"SKIP: {tool} is not installed (apt-get install nsd knot)")
            return SKIP
    zones = load_zones(args)
    origins = [z.origin for z, _ in zones]
    cases = [c for z, _ in zones for c in zone_cases(z)] + protocol_cases(
        [z for z, _ in zones])
    if args.only:
        cases = [c for c in cases if re.search(args.only, c.cid)]
    if args.list:
        for c in cases:
            print(c.cid)
        return 0

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so that `finally` stops the servers
    workdir = tempfile.mkdtemp(prefix="cloudtwin-dnsdiff-")
    zone_list = [(z.origin.to_text(), p) for z, p in zones]
    servers = []
    client = None
    started = time.monotonic()
    try:
        for attempt in range(3):
            run_dir = os.path.join(workdir, f"run{attempt}")
            os.mkdir(run_dir)
            servers = [nsd_server(args.nsd, run_dir, zone_list),
                       knot_server(args.knotd, run_dir, zone_list),
                       cloudtwin_server(args.cloudtwin, run_dir, zone_list)]
            for s in servers:
                s.start()
            client = Client(servers)
            try:
                wait_ready(servers, client, origins, time.monotonic() + 30)
                break
            except ServerExited as e:
                # Most likely a port taken by someone else between free_port() and the bind:
                # all three again on new ports, twice at most
                if attempt == 2:
                    raise
                print(f"restarting on new ports: {e}", flush=True)
                client.close()
                client = None
                for s in servers:
                    s.stop()
        ports = ", ".join(f"{s.name} 127.0.0.1:{s.port}" for s in servers)
        print(f"{len(zones)} zones, {len(cases)} cases; {ports} "
              f"(ready in {time.monotonic() - started:.1f} s)", flush=True)
        status = compare(args, client, servers, cases)
        # cloudtwin must survive every query and stop cleanly on SIGTERM (the debug build's
        # sanitizers report leaks and errors at exit through the exit status)
        ct = servers[-1]
        if not ct.alive():
            print(f"\nFAIL cloudtwin exited during the test ({ct.proc.returncode}):\n{ct.log()}")
            return 1
        ct.stop()
        if ct.proc.returncode != 0:
            print(f"\nFAIL cloudtwin exited with status {ct.proc.returncode} on SIGTERM:\n"
                  f"{ct.log()}")
            return 1
        return status
    finally:
        if client is not None:
            client.close()
        for s in servers:
            s.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def ask_all(client, cases):
    """{case id: {server: properties}}"""
    out = {}
    for transport in ("udp", "tcp", "tcp-fresh"):
        batch = [c for c in cases if c.transport == transport]
        if not batch:
            continue
        raw = client.ask([c.wire for c in batch], transport.split("-")[0],
                         fresh=transport == "tcp-fresh")
        for i, c in enumerate(batch):
            out[c.cid] = {n: describe(raw[n][i], c.qname) for n in PEERS}
    for c in cases:
        if c.transport == "tcp-pipeline":
            raw = client.ask_tcp_pipelined(c.pipeline)
            out[c.cid] = {n: describe_pipeline(raw[n]) for n in PEERS}
    return out


def compare(args, client, servers, cases):
    started = time.monotonic()
    port = servers[-1].port
    described = ask_all(client, cases)
    expected = [(re.compile(rx), set(props.split("|")), rx, props)
                for rx, props, _ in EXPECTED_DIFFERENCES]
    failures = []           # (case, property)
    known = collections.Counter()
    unstable = collections.defaultdict(lambda: {"cases": 0, "nsd": 0, "knot": 0, "neither": 0,
                                                "example": None, "neither example": None})
    unstable_cases = set()
    for case in cases:
        d = described[case.cid]
        # A missing or undecodable answer on any side: only that is compared
        props = PROPERTIES if all(d[p]["response"] == "answer" for p in PEERS) else ("response",)
        for prop in props:
            n, k, c = (d[p][prop] for p in PEERS)
            if n == k:
                if c != n:
                    hit = next((e for e in expected if prop in e[1] and e[0].fullmatch(case.cid)),
                               None)
                    if hit is not None:
                        known[hit[2], hit[3]] += 1
                    else:
                        failures.append((case, prop))
            else:
                g = unstable[prop, case.kind]
                g["cases"] += 1
                unstable_cases.add(case.cid)
                side = "nsd" if c == n else "knot" if c == k else "neither"
                g[side] += 1
                if g["example"] is None:
                    g["example"] = case
                if side == "neither" and g["neither example"] is None:
                    g["neither example"] = case
    elapsed = time.monotonic() - started

    def show(case, prop):
        d = described[case.cid]
        print(f"  query: {case.text}")
        if case.dig:
            print(f"         dig @127.0.0.1 -p {port} {case.dig}")
        if prop not in (None, "response"):
            for name in PEERS:
                print(f"    {name:9} {prop}: {d[name][prop]!r}")
        for name in PEERS:
            print(f"    {name:9} " + render(d[name]))

    if args.show:
        for case in cases:
            if re.search(args.show, case.cid):
                print(f"\nSHOW {case.cid}")
                show(case, None)
    shown = failures if args.verbose else failures[:args.max_failures]
    for case, prop in shown:
        print(f"\nFAIL {case.cid} [{prop}]: NSD and Knot agree, cloudtwin differs")
        show(case, prop)
    if len(shown) < len(failures):
        print(f"\n... {len(failures) - len(shown)} more failures (--verbose prints them all)")

    if unstable:
        print(f"\nUnstable: NSD and Knot disagree in {len(unstable_cases)} cases (not failures):")
        print(f"  {'property':13} {'kind of case':32} {'cases':>5}  "
              "cloudtwin as NSD/as Knot/neither")
        for (prop, kind), g in sorted(unstable.items()):
            print(f"  {prop:13} {kind:32} {g['cases']:5}  {g['nsd']}/{g['knot']}/{g['neither']}")
        if args.verbose:
            for (prop, kind), g in sorted(unstable.items()):
                for example in {g["example"], g["neither example"]} - {None}:
                    print(f"\nUNSTABLE {example.cid} [{prop}] ({kind})")
                    show(example, prop)

    # With --only, rows for the cases left out are not stale
    stale = [(rx, props, why) for rx, props, why in EXPECTED_DIFFERENCES
             if not known[rx, props] and not args.only]
    if known:
        print("\nKnown differences (EXPECTED_DIFFERENCES) still seen:")
        for rx, props, why in EXPECTED_DIFFERENCES:
            if known[rx, props]:
                print(f"  {known[rx, props]:5}  [{props}] {why}")
    for rx, prop, why in stale:
        print(f"\nFIXED? This EXPECTED_DIFFERENCES row matches nothing now; remove it: "
              f"[{prop}] {rx} ({why})")
    if failures:
        groups = collections.Counter((prop, case.kind) for case, prop in failures)
        print(f"\nFailures by property and kind of case ({len(failures)} in "
              f"{len({c.cid for c, _ in failures})} cases):")
        for (prop, kind), count in sorted(groups.items()):
            print(f"  {count:5}  [{prop}] {kind}")
    print(f"\n{len(cases)} cases in {elapsed:.1f} s: {len(failures)} failures, "
          f"{sum(known.values())} known differences, {len(unstable_cases)} unstable, "
          f"{len(stale)} stale EXPECTED_DIFFERENCES rows")
    return 1 if failures or stale else 0


if __name__ == "__main__":
    sys.exit(main())
