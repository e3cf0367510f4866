#!/usr/bin/env python3
"""Geolocation answers against Knot's geoip module (Debian knot-module-geoip), on the same
GeoIP2-City database (tests/dns/make_geo_fixture.pl) and the same EDNS Client Subnet queries.

Where the two coincide with Route 53's rules (shared/reference/route53.md §2.4): the most
specific location that contains the client answers (subdivision > country > continent > the
default), the client is its ECS prefix, and the answer's SCOPE is the database network's
length. cloudtwin serves the routing policy from YAML; Knot serves the same sets as geo views
(geodb-key continent/code, country/iso_code, subdivisions/0/iso_code; "*" the default) with the
default also as the zone's own record, which Knot answers when the client is not in the
database. Every name is asked from every client, over UDP; answers (A records) and SCOPE must be
equal. Skipped (77) without knotd, the module or Perl's MaxMind::DB::Writer.

    geo_differential_test.py CLOUDTWIN
"""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from differential_test import Server, free_port  # noqa: E402

import dns.edns  # noqa: E402
import dns.message  # noqa: E402
import dns.query  # noqa: E402
import dns.rdatatype  # noqa: E402

KNOT_MODULES = "/usr/lib/x86_64-linux-gnu/knot/modules-3.2"
HERE = os.path.dirname(os.path.abspath(__file__))

# name -> [(location, address)]; location: "*" default, "EU" continent, "EU;DE" country (with its
# continent, as Knot's keys nest), "NA;US;WA" subdivision.
SETS = {
    "a": [("EU", "192.0.2.1"), ("EU;DE", "192.0.2.2"), ("NA;US", "192.0.2.3"), ("NA;US;WA", "192.0.2.4"),
          ("*", "192.0.2.9")],
    "b": [("AS", "192.0.2.11"), ("*", "192.0.2.19")],
    "c": [("EU;FR", "192.0.2.21"), ("EU", "192.0.2.22"), ("AS;CN", "192.0.2.23"), ("*", "192.0.2.29")],
    "d": [("NA", "192.0.2.31"), ("AS;JP", "192.0.2.32"), ("*", "192.0.2.39")],
}
# ECS prefixes: in the fixture (Seattle, Frankfurt, Paris, Tokyo, Beijing), a /24 shorter than the
# /25 that holds it, and one the database does not know.
CLIENTS = ["198.51.100.0/25", "198.51.100.128/25", "192.0.2.0/24", "203.0.113.0/24", "2001:db8:c0::/48",
           "198.51.100.0/24", "198.51.100.200/32", "10.9.9.0/24"]


def cloudtwin_yaml(path):
    lines = ["hosted_zones:", "  - domain: geo.example", "    records:"]
    for name, sets in SETS.items():
        for i, (where, address) in enumerate(sets):
            parts = where.split(";")
            if where == "*":
                loc = "{country: '*'}"
            elif len(parts) == 1:
                loc = "{continent: %s}" % parts[0]
            elif len(parts) == 2:
                loc = "{country: %s}" % parts[1]
            else:
                loc = "{country: %s, subdivision: %s}" % (parts[1], parts[2])
            lines.append(f"      - {{name: {name}, type: A, ttl: 60, values: [{address}], set_identifier: s{i}, "
                         f"geo_location: {loc}}}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def knot_files(d, mmdb, port):
    zone = os.path.join(d, "geo.example.zone")
    with open(zone, "w") as f:
        f.write("$ORIGIN geo.example.\n$TTL 60\n@ 900 IN SOA ns1 hostmaster 1 7200 900 1209600 86400\n"
                "@ IN NS ns1\nns1 IN A 192.0.2.250\n")
        for name, sets in SETS.items():
            f.write(f"{name} IN A {dict(sets)['*']}\n")  # the default, for clients not in the database
    geo = os.path.join(d, "geo.conf")
    with open(geo, "w") as f:
        for name, sets in SETS.items():
            f.write(f"{name}.geo.example:\n")
            for where, address in sets:
                f.write(f'  - geo: "{where}"\n    A: {address}\n')
    conf = os.path.join(d, "knot.conf")
    with open(conf, "w") as f:
        f.write(f"""server:
    rundir: "{d}"
    listen: 127.0.0.1@{port}
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
    edns-client-subnet: on
log:
  - target: stderr
    any: warning
database:
    storage: "{d}"
mod-geoip:
  - id: geo
    config-file: "{geo}"
    ttl: 60
    mode: geodb
    geodb-file: "{mmdb}"
    geodb-key: [ continent/code, country/iso_code, subdivisions/0/iso_code ]
template:
  - id: default
    storage: "{d}"
    zonefile-sync: -1
    journal-content: none
    semantic-checks: off
zone:
  - domain: geo.example
    file: "{zone}"
    module: mod-geoip/geo
""")
    return conf


def ask(port, name, subnet):
    address, prefix = subnet.split("/")
    q = dns.message.make_query(name, dns.rdatatype.A, use_edns=0,
                               options=[dns.edns.ECSOption(address, int(prefix))])
    r = dns.query.udp(q, "127.0.0.1", port=port, timeout=2)
    addresses = sorted(rd.address for rrset in r.answer if rrset.rdtype == dns.rdatatype.A for rd in rrset)
    scope = [o.scopelen for o in r.options if isinstance(o, dns.edns.ECSOption)]
    return addresses, scope[0] if scope else None


def wait_ready(port):
    for _ in range(200):
        try:
            ask(port, "a.geo.example.", "10.9.9.0/24")
            return True
        except Exception:
            time.sleep(0.05)
    return False


def main():
    cloudtwin = sys.argv[1]
    knotd = "/usr/sbin/knotd"
    if not os.path.exists(knotd) or not os.path.exists(os.path.join(KNOT_MODULES, "geoip.so")):
        print("skipped: knotd or knot-module-geoip is missing")
        return 77
    with tempfile.TemporaryDirectory(prefix="cloudtwin-geodiff.") as work:
        mmdb = os.path.join(work, "geo.mmdb")
        if subprocess.run(["perl", os.path.join(HERE, "make_geo_fixture.pl"), mmdb]).returncode != 0:
            print("skipped: cannot write the GeoIP2 fixture (libmaxmind-db-writer-perl)")
            return 77
        yaml = os.path.join(work, "geo.yaml")
        cloudtwin_yaml(yaml)
        kdir = os.path.join(work, "knot")
        os.mkdir(kdir)
        kport = free_port()
        knot = Server("knot", [knotd, "-c", knot_files(kdir, mmdb, kport)], kport, work)
        cport = free_port()
        ours = Server("cloudtwin", [cloudtwin, "serve", "dns", yaml, "--listen", f"127.0.0.1:{cport}",
                                    "--threads", "1", "--geoip", mmdb, "-q"], cport, work)
        servers = [knot, ours]
        try:
            for s in servers:
                s.start()
            for s in servers:
                if not wait_ready(s.port):
                    print(f"FAIL: {s.name} does not answer\n{s.log()}")
                    return 1
            failures = 0
            cases = 0
            for name in SETS:
                for client in CLIENTS:
                    cases += 1
                    theirs = ask(knot.port, f"{name}.geo.example.", client)
                    mine = ask(ours.port, f"{name}.geo.example.", client)
                    if theirs != mine:
                        failures += 1
                        print(f"DIFF {name}.geo.example. from {client}: knot {theirs}, cloudtwin {mine}")
            print(f"geo differential: {cases} cases, {failures} differences")
            return 1 if failures else 0
        finally:
            for s in servers:
                s.stop()


if __name__ == "__main__":
    sys.exit(main())
