#include "cloudtwin/verify/risk_table.h"

#include <algorithm>

namespace cloudtwin::verify {

namespace {

struct Row {
  const char* rule;
  const char* name;
  const char* protocols;  // "tcp", "tcp,udp", "icmp,icmpv6"
  const char* ports;      // "22", "137-139", "1433,1434"; "" for protocols without ports
  Risk risk;
  const char* reason;
};

// docs/exposure-risks.md explains each row and names the lists it follows; a test checks that
// the document and this table agree.
constexpr Row kDefaults[] = {
    // Data stores: no database should answer the internet (Security Hub EC2.19, AWS Config
    // restricted-common-ports, Trusted Advisor's red ports).
    {"mysql-open", "MySQL", "tcp", "3306", Risk::kCritical,
     "MySQL and MariaDB: the data itself, and a password to guess."},
    {"postgresql-open", "PostgreSQL", "tcp", "5432", Risk::kCritical,
     "PostgreSQL: the data itself, and a password to guess."},
    {"mssql-open", "SQL Server", "tcp,udp", "1433,1434", Risk::kCritical,
     "Microsoft SQL Server and its Browser service."},
    {"oracle-open", "Oracle", "tcp", "1521,2483-2484", Risk::kCritical,
     "Oracle Database listener (plain and TLS)."},
    {"mongodb-open", "MongoDB", "tcp", "27017-27019", Risk::kCritical,
     "MongoDB: long shipped without authentication; mass ransom campaigns target it."},
    {"redis-open", "Redis", "tcp", "6379", Risk::kCritical,
     "Redis: no authentication by default, and its commands write files on the host."},
    {"memcached-open", "Memcached", "tcp,udp", "11211", Risk::kCritical,
     "Memcached: no authentication; UDP 11211 amplifies denial-of-service attacks."},
    {"elasticsearch-open", "Elasticsearch", "tcp", "9200,9300", Risk::kCritical,
     "Elasticsearch HTTP and transport ports: indices readable and writable by anyone "
     "when security is off."},
    {"cassandra-open", "Cassandra", "tcp", "7000-7001,7199,9042,9160", Risk::kCritical,
     "Apache Cassandra: client, inter-node and JMX ports."},
    {"couchdb-open", "CouchDB", "tcp", "5984", Risk::kCritical, "Apache CouchDB HTTP API."},
    // Cluster and container control planes: who reaches them runs code.
    {"docker-api-open", "Docker API", "tcp", "2375", Risk::kCritical,
     "The Docker Engine API without TLS: root on the host for anyone who reaches it."},
    {"docker-api-tls-open", "Docker API (TLS)", "tcp", "2376", Risk::kHigh,
     "The Docker Engine API over TLS: root on the host for any holder of a client "
     "certificate."},
    {"etcd-open", "etcd", "tcp", "2379-2380", Risk::kCritical,
     "etcd client and peer ports: a Kubernetes cluster's whole state, secrets included."},
    {"kubelet-open", "kubelet", "tcp", "10250", Risk::kCritical,
     "The kubelet API: runs commands in the node's pods."},
    {"kubernetes-api-open", "Kubernetes API", "tcp", "6443", Risk::kHigh,
     "The Kubernetes API server: authenticated, but a target for stolen credentials and "
     "API server flaws."},
    // Remote administration (CIS AWS Foundations 5.2/5.3, Security Hub EC2.13/EC2.14).
    {"ssh-open", "SSH", "tcp", "22", Risk::kHigh,
     "Remote administration: brute-forced continuously from the whole internet."},
    {"rdp-open", "RDP", "tcp,udp", "3389", Risk::kHigh,
     "Windows Remote Desktop: brute force and pre-authentication flaws (BlueKeep)."},
    {"telnet-open", "Telnet", "tcp", "23", Risk::kHigh,
     "Remote administration in clear text."},
    {"vnc-open", "VNC", "tcp", "5800,5900", Risk::kHigh,
     "Remote desktop, often with a weak or no password."},
    {"winrm-open", "WinRM", "tcp", "5985-5986", Risk::kHigh, "Windows Remote Management."},
    // Windows and Unix file sharing, directory and management protocols.
    {"smb-open", "SMB", "tcp", "445", Risk::kHigh,
     "Windows file sharing: the way in of WannaCry and NotPetya."},
    {"netbios-open", "NetBIOS", "tcp,udp", "137-139", Risk::kHigh,
     "NetBIOS name, datagram and session services."},
    {"msrpc-open", "MS RPC", "tcp", "135", Risk::kHigh, "Microsoft RPC endpoint mapper."},
    {"ftp-open", "FTP", "tcp", "20-21", Risk::kHigh,
     "File transfer with passwords in clear text."},
    {"ldap-open", "LDAP", "tcp,udp", "389,636", Risk::kHigh,
     "Directory service: user data, and CLDAP amplifies denial-of-service attacks."},
    {"snmp-open", "SNMP", "udp", "161-162", Risk::kHigh,
     "Device management with community strings for passwords; amplifies attacks."},
    {"nfs-open", "NFS", "tcp,udp", "111,2049", Risk::kHigh, "NFS and rpcbind."},
    // Mail and name services: sometimes public on purpose.
    {"smtp-open", "SMTP", "tcp", "25", Risk::kMedium,
     "Mail transfer: public on a mail server, an open relay risk elsewhere."},
    {"pop3-open", "POP3", "tcp", "110", Risk::kMedium, "Mail retrieval in clear text."},
    {"imap-open", "IMAP", "tcp", "143", Risk::kMedium, "Mail retrieval in clear text."},
    {"dns-open", "DNS", "tcp,udp", "53", Risk::kMedium,
     "A DNS server: public for an authoritative server, an amplifier when it resolves for "
     "anyone."},
    // The web: what public servers are for.
    {"http-open", "HTTP", "tcp", "80", Risk::kLow, "A web server: public by design."},
    {"https-open", "HTTPS", "tcp,udp", "443", Risk::kLow,
     "A web server over TLS (QUIC on UDP): public by design."},
    {"icmp-open", "ICMP", "icmp,icmpv6", "", Risk::kLow,
     "Ping and network errors: reveals the host, little more."},
};

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    auto comma = s.find(',');
    out.push_back(s.substr(0, comma));
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

model::RiskTable build_defaults() {
  model::RiskTable t;
  for (const auto& r : kDefaults) {
    model::RiskEntry e;
    e.rule = r.rule;
    e.name = r.name;
    e.risk = r.risk;
    e.reason = r.reason;
    for (auto p : split(r.protocols)) e.protocols.push_back(*Protocol::parse(p));
    for (auto p : split(r.ports)) e.ports.push_back(*PortRange::parse(p));
    t.entries.push_back(std::move(e));
  }
  return t;
}

Risk lower(Risk r) { return r == Risk::kLow ? r : static_cast<Risk>(static_cast<int>(r) - 1); }

bool covers_protocol(const model::RiskEntry& e, int number) {
  return std::any_of(e.protocols.begin(), e.protocols.end(),
                     [&](Protocol p) { return p.number() == number; });
}

std::string port_text(PortRange r) {
  return r.from == r.to ? std::to_string(r.from) : r.str();
}

// One port range of one tcp/udp protocol: the first entry covering a port decides it; the
// range takes the highest of its ports' entries, or the fallback when some port has none and
// the fallback is higher.
RiskRating rate_range(const model::RiskTable& t, int protocol, const std::string& name,
                      PortRange range) {
  RiskRating out;
  if (static_cast<std::uint32_t>(range.to - range.from) >= t.wide_range_ports) {
    out.risk = t.wide_range.risk;
    out.rule = t.wide_range.rule;
    out.reason = name + " ports " + range.str();
    return out;
  }
  std::vector<PortRange> uncovered = {range};
  bool found = false;
  for (const auto& e : t.entries) {
    if (uncovered.empty()) break;
    if (!covers_protocol(e, protocol)) continue;
    for (const auto& r : e.ports) {
      std::vector<PortRange> rest;
      for (const auto& u : uncovered) {
        const int lo = std::max(u.from, r.from);
        const int hi = std::min(u.to, r.to);
        if (lo > hi) {
          rest.push_back(u);
          continue;
        }
        if (!found || e.risk > out.risk) {
          found = true;
          out.risk = e.risk;
          out.rule = e.rule;
          out.entry = &e;
          out.reason = e.name + " (" + name + " " +
                       port_text({static_cast<std::uint16_t>(lo), static_cast<std::uint16_t>(hi)}) +
                       ")";
        }
        if (u.from < lo) rest.push_back({u.from, static_cast<std::uint16_t>(lo - 1)});
        if (hi < u.to) rest.push_back({static_cast<std::uint16_t>(hi + 1), u.to});
      }
      uncovered = std::move(rest);
    }
  }
  if (!uncovered.empty() && (!found || t.other.risk > out.risk)) {
    out = {};
    out.risk = t.other.risk;
    out.rule = t.other.rule;
    out.reason = name + " " + port_text(range);
  }
  return out;
}

// Protocols without ports: the highest risk among the entries covering one of them, or the
// fallback when one is covered by none and the fallback is higher.
RiskRating rate_protocols(const model::RiskTable& t,
                          const std::vector<std::pair<int, int>>& protocols,
                          const std::string& name) {
  RiskRating out;
  bool found = false;
  bool uncovered = protocols.empty();
  for (const auto& [from, to] : protocols) {
    for (int p = std::max(from, 0); p <= std::min(to, 255); ++p) {
      const model::RiskEntry* first = nullptr;
      for (const auto& e : t.entries) {
        if (covers_protocol(e, p)) {
          first = &e;
          break;
        }
      }
      if (!first) {
        uncovered = true;
      } else if (!found || first->risk > out.risk) {
        found = true;
        out.risk = first->risk;
        out.rule = first->rule;
        out.entry = first;
        out.reason = first->name + " (" + name + ")";
      }
    }
  }
  if (uncovered && (!found || t.other.risk > out.risk)) {
    out = {};
    out.risk = t.other.risk;
    out.rule = t.other.rule;
    out.reason = name;
  }
  return out;
}

}  // namespace

const model::RiskTable& default_risk_table() {
  static const model::RiskTable kTable = build_defaults();
  return kTable;
}

model::RiskTable effective_risk_table(const model::RiskTable& table) {
  if (!table.extends_default) return {table.path, false, table.entries, table.other,
                                      table.wide_range, table.wide_range_ports};
  model::RiskTable out{table.path, false, table.entries, table.other, table.wide_range,
                       table.wide_range_ports};
  const auto& d = default_risk_table();
  out.entries.insert(out.entries.end(), d.entries.begin(), d.entries.end());
  return out;
}

RiskRating rate(const model::RiskTable& table, const std::vector<std::pair<int, int>>& protocols,
                const std::string& protocol_text, const std::vector<PortRange>& ports,
                bool whole_internet) {
  const std::string where =
      whole_internet ? " open to the whole internet" : " open to part of the internet";
  RiskRating best;
  const bool ported = protocols.size() == 1 && protocols[0].first == protocols[0].second &&
                      Protocol(protocols[0].first).has_ports();
  if (!ported) {
    best = rate_protocols(table, protocols, protocol_text);
  } else {
    bool first = true;
    for (const auto& p : ports.empty() ? std::vector<PortRange>{PortRange::all()} : ports) {
      auto r = rate_range(table, protocols[0].first, protocol_text, p);
      if (first || r.risk > best.risk) best = std::move(r);
      first = false;
    }
  }
  best.reason += where;
  if (!whole_internet) best.risk = lower(best.risk);
  return best;
}

}  // namespace cloudtwin::verify
