#include "cloudtwin/verify/rows.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace cloudtwin::verify {

using model::Index;

namespace {

struct Group {
  const char* name;
  bdd set;
};

std::vector<Group> protocol_groups() {
  bdd tcp = HeaderSpace::protocol(Protocol::kTcp);
  bdd udp = HeaderSpace::protocol(Protocol::kUdp);
  bdd icmp = HeaderSpace::protocol(Protocol::kIcmp);
  bdd icmpv6 = HeaderSpace::protocol(Protocol::kIcmpV6);
  return {{"tcp", tcp},
          {"udp", udp},
          {"icmp", icmp},
          {"icmpv6", icmpv6},
          {"", !(tcp | udp | icmp | icmpv6)}};
}

std::vector<PortRange> port_ranges(const bdd& set, Block b) {
  std::vector<PortRange> out;
  for (auto [lo, hi] : HeaderSpace::ranges(set, b).ranges) {
    out.push_back({static_cast<std::uint16_t>(lo), static_cast<std::uint16_t>(hi)});
  }
  return out;
}

// The addresses of block `b` in `set` as CIDRs, at most `limit` ranges per family.
void add_prefixes(const bdd& set, Block b, std::vector<Prefix>& out, bool& truncated,
                  std::size_t limit = 256) {
  for (Family f : {Family::kV4, Family::kV6}) {
    auto r = HeaderSpace::ranges(set, b, f, limit);
    truncated = truncated || r.truncated;
    for (auto [lo, hi] : r.ranges) {
      auto c = cover(f, lo, hi);
      out.insert(out.end(), c.begin(), c.end());
    }
  }
}

bdd port_set(Block b, const std::vector<PortRange>& ports) {
  bdd r = bddfalse;
  for (const auto& p : ports) r |= HeaderSpace::port(b, p);
  return r;
}

bdd prefix_set(Block b, const std::vector<Prefix>& prefixes) {
  return HeaderSpace::addresses(b, prefixes);  // one trie, not a union of cubes
}

// "the internet" when `column` (one address block of a set) is every public address of the
// families it holds, or all but a few of them.
std::string internet_label(const bdd& part, Block b) {
  bdd internet = internet_addresses(b);
  // No public address at all (between ENIs, the usual case): not the internet, and no need to
  // project the column out.
  if ((part & internet) == bddfalse) return "";
  bdd others = bddtrue;
  for (Block x : {Block::kProtocol, Block::kDstPort, Block::kSrcPort, Block::kDst, Block::kSrc}) {
    if (x != b) others &= HeaderSpace::variables(x);
  }
  bdd column = bdd_exist(part, others);
  bdd families = bddfalse;
  for (Family f : {Family::kV4, Family::kV6}) {
    if ((column & HeaderSpace::family(f)) != bddfalse) families |= HeaderSpace::family(f);
  }
  bdd missing = (internet & families) & !column;
  if ((column & !internet) != bddfalse) return "";  // holds non-public addresses
  if (missing == bddfalse) return "the internet";
  std::vector<Prefix> except;
  bool more = false;
  add_prefixes(missing, b, except, more, 4);
  if (more || except.size() > 4) return "";
  return "the internet except " + prefixes_text(except, false);
}

// One row per protocol group of `set`.
void project(const bdd& set, std::vector<Row>& out, const Row& base) {
  // The protocols the set holds, found in one pass: the protocol variables come after the
  // addresses in the order, so each group tried on the set itself would be a pass over every
  // address node, and most sets hold one group.
  static const bdd kNotProtocol =
      HeaderSpace::variables(Block::kSrc) & HeaderSpace::variables(Block::kDst) &
      HeaderSpace::variables(Block::kDstPort) & HeaderSpace::variables(Block::kSrcPort) &
      bdd_ithvar(HeaderSpace::kFamilyVariable);
  const bdd protocols = bdd_exist(set, kNotProtocol);
  for (const auto& g : protocol_groups()) {
    if ((protocols & g.set) == bddfalse) continue;
    bdd part = set & g.set;
    if (part == bddfalse) continue;
    Row r = base;
    for (auto [lo, hi] : HeaderSpace::ranges(part, Block::kProtocol).ranges) {
      r.protocols.emplace_back(static_cast<int>(lo), static_cast<int>(hi));
    }
    if (*g.name) {
      r.protocol = g.name;
    } else {
      for (auto [lo, hi] : r.protocols) {
        if (!r.protocol.empty()) r.protocol += ",";
        r.protocol += std::to_string(lo) + (lo == hi ? "" : "-" + std::to_string(hi));
      }
      r.protocol = "protocol " + r.protocol;
    }
    bool has_ports = std::string_view(g.name) != "";
    if (has_ports) {
      r.destination_ports = port_ranges(part, Block::kDstPort);
      r.source_ports = port_ranges(part, Block::kSrcPort);
    }
    r.sources_label = internet_label(part, Block::kSrc);
    r.destinations_label = internet_label(part, Block::kDst);
    add_prefixes(part, Block::kSrc, r.sources, r.truncated);
    add_prefixes(part, Block::kDst, r.destinations, r.truncated);
    bdd box = g.set & prefix_set(Block::kSrc, r.sources) & prefix_set(Block::kDst, r.destinations);
    if (has_ports) {
      box &= port_set(Block::kDstPort, r.destination_ports) &
             port_set(Block::kSrcPort, r.source_ports);
    }
    // Within what is well formed, a box equal to the part is exact.
    r.exact =
        !r.truncated && bdd_apply(box & HeaderSpace::well_formed(), part, bddop_diff) == bddfalse;
    r.packets = HeaderSpace::count(part);
    out.push_back(std::move(r));
  }
}

}  // namespace

std::vector<Row> rows_of(const bdd& set) {
  std::vector<Row> out;
  project(set, out, Row{});
  return out;
}

namespace {

std::string blocker_of(const Flow& f) {
  if (f.trace.explanations.empty()) return "";
  const auto& e = f.trace.explanations.front();
  return e.code + " " + e.component_id + " " + e.direction + " " + e.path;
}

std::vector<Prefix> joined(std::vector<Prefix> a, const std::vector<Prefix>& b) {
  a.insert(a.end(), b.begin(), b.end());
  std::sort(a.begin(), a.end());
  a.erase(std::unique(a.begin(), a.end()), a.end());
  return a;
}

// Exact rows that differ in one address column only are one row: a box that is the union of
// two boxes equal in every other column. Between two VPCs this turns a row per pair of classes
// of ENIs into a few. `merge_sources` picks the column.
void merge_rows(std::vector<Row>& rows, bool merge_sources) {
  if (rows.size() < 2) return;
  auto key = [&](const Row& r) {
    const auto& kept = merge_sources ? r.destinations : r.sources;
    return std::make_tuple(r.protocol, r.protocols, r.destination_ports, r.source_ports, kept,
                           r.sources_label, r.destinations_label,
                           r.example ? blocker_of(*r.example) : std::string());
  };
  auto mergeable = [&](const Row& r) {
    return r.exact && !r.truncated &&
           (merge_sources ? r.sources_label : r.destinations_label).empty();
  };
  std::map<decltype(key(rows.front())), std::size_t> first;
  std::vector<Row> out;
  for (auto& r : rows) {
    if (!mergeable(r)) {
      out.push_back(std::move(r));
      continue;
    }
    auto [it, fresh] = first.try_emplace(key(r), out.size());
    if (fresh) {
      out.push_back(std::move(r));
      continue;
    }
    Row& into = out[it->second];
    if (merge_sources) {
      into.sources = joined(std::move(into.sources), r.sources);
      if (into.source_interface != r.source_interface) into.source_interface = model::kNone;
    } else {
      into.destinations = joined(std::move(into.destinations), r.destinations);
      if (into.destination_interface != r.destination_interface)
        into.destination_interface = model::kNone;
    }
    into.packets += r.packets;
    if (!into.example) into.example = r.example;
  }
  rows = std::move(out);
}

}  // namespace

std::vector<Row> rows(const ReachResult& result, vpc::Verdict verdict) {
  // First try one row per pair of endpoints and protocol; where that over-approximates, one
  // row per flow.
  // Blocked flows are grouped by what blocked them too, so each row's example explains it.
  std::map<std::tuple<Index, Index, std::string>, std::vector<const Flow*>> pairs;
  for (const auto& f : result.flows) {
    if (f.trace.verdict != verdict) continue;
    pairs[{f.source_interface, f.destination_interface, blocker_of(f)}].push_back(&f);
  }
  std::vector<Row> out;
  for (const auto& [key, flows] : pairs) {
    const std::pair<Index, Index> ends{std::get<0>(key), std::get<1>(key)};
    bdd all = bddfalse;
    for (const auto* f : flows) all |= f->packets;
    Row base;
    base.source_interface = ends.first;
    base.destination_interface = ends.second;
    std::vector<Row> merged;
    project(all, merged, base);
    bool exact = std::all_of(merged.begin(), merged.end(), [](const Row& r) { return r.exact; });
    if (exact || flows.size() == 1) {
      for (auto& r : merged) {
        // The row's protocols and ports: its example is the first flow with packets in them.
        bdd g = bddfalse;
        for (auto [lo, hi] : r.protocols) {
          for (int p = lo; p <= hi; ++p) g |= HeaderSpace::protocol(p);
        }
        if (!r.destination_ports.empty()) g &= port_set(Block::kDstPort, r.destination_ports);
        for (const auto* f : flows) {
          if ((f->packets & g) == bddfalse) continue;
          r.example = f;
          break;
        }
        out.push_back(std::move(r));
      }
      continue;
    }
    for (const auto* f : flows) {
      std::vector<Row> one;
      project(f->packets, one, base);
      for (auto& r : one) {
        r.example = f;
        out.push_back(std::move(r));
      }
    }
  }
  merge_rows(out, false);
  merge_rows(out, true);
  return out;
}

std::string services_text(const bdd& set) {
  std::string out;
  for (const auto& g : protocol_groups()) {
    bdd part = set & g.set;
    if (part == bddfalse) continue;
    if (!out.empty()) out += "; ";
    if (*g.name) {
      out += g.name;
      out += " " + ports_text(port_ranges(part, Block::kDstPort));
      continue;
    }
    std::string numbers;
    for (auto [lo, hi] : HeaderSpace::ranges(part, Block::kProtocol).ranges) {
      if (!numbers.empty()) numbers += ",";
      numbers += std::to_string(static_cast<int>(lo)) +
                 (lo == hi ? "" : "-" + std::to_string(static_cast<int>(hi)));
    }
    out += "protocol " + numbers;
  }
  return out;
}

std::string ports_text(const std::vector<PortRange>& ports) {
  if (ports.size() == 1 && ports.front().is_all()) return "any";
  std::string out;
  for (const auto& p : ports) {
    if (!out.empty()) out += ", ";
    out += p.from == p.to ? std::to_string(p.from)
                          : std::to_string(p.from) + "-" + std::to_string(p.to);
  }
  return out;
}

std::string prefixes_text(const std::vector<Prefix>& prefixes, bool truncated, std::size_t limit) {
  std::string out;
  std::size_t shown = 0;
  for (const auto& p : prefixes) {
    if (shown == limit) break;
    if (!out.empty()) out += ", ";
    out += p.length() == p.address().width() ? p.address().str() : p.str();
    ++shown;
  }
  if (prefixes.size() > shown) out += " and " + std::to_string(prefixes.size() - shown) + " more";
  if (truncated) out += " (and more)";
  if (out == "0.0.0.0/0, ::/0") return "any";
  return out;
}

}  // namespace cloudtwin::verify
