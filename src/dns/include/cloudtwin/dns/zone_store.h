// The served zones as one immutable snapshot, compiled from a model::Network: every answer the
// server can give is precompiled in wire format ("templates"), so answering a query is a few
// hash lookups, a copy and a handful of pointer fix-ups, with no allocation and no locks. A
// reload compiles a new ZoneStore and swaps it in whole (server.h); queries in flight keep the
// one they started with.
//
// A template is the part of a response after the question, compiled for a question name B
// (`base_size` octets) at offset 12. It is valid for any question name that ends in B: every
// compression pointer into B or into the template itself moves by the difference in length
// (its position is listed in the fixups); a pointer to offset 12 is "the question name itself"
// and stays (a wildcard's synthesised owner, RFC 4592 §3.3.1).
#pragma once

#include <cstdint>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/dns/policy.h"
#include "cloudtwin/model/network.h"

namespace cloudtwin::dns {

// Where a truncated response may end: after a whole RRset (RFC 2181 §9), with the section
// counts up to there.
struct Cut {
  std::uint16_t end;
  std::uint16_t an, ns, ar;
};

struct Template {
  std::uint32_t offset = 0;  // into ZoneStore::bytes
  std::uint32_t size = 0;
  std::uint32_t fixups_begin = 0, fixups_count = 0;  // into ZoneStore::fixups
  // Pointers to the question name itself (0xC00C when compiled): owners of what answers it.
  std::uint32_t qname_fixups_begin = 0, qname_fixups_count = 0;
  std::uint32_t cuts_begin = 0, cuts_count = 0;      // into ZoneStore::cuts
  std::uint16_t an = 0, ns = 0, ar = 0;
  // Sections a response must hold whole, else TC: the answer, the authority (SOA of a negative
  // answer, NS of a referral) and, for a referral, in-bailiwick glue (RFC 9471).
  std::uint16_t required_an = 0, required_ns = 0, required_ar = 0;
  std::uint8_t base_size = 0;
  std::uint8_t rcode = 0;
  bool authoritative = true;
};

inline constexpr std::uint32_t kNoTemplate = 0xffffffffu;
// A template index with this bit set is a routing-policy group (ZoneStore::groups): the answer is
// one (or, multivalue, up to eight) of its members' templates, chosen per query by choose().
inline constexpr std::uint32_t kGroupBit = 0x80000000u;
inline constexpr std::uint32_t kNoCheck = 0xffffffffu;

// One Name+Type's record sets under a routing policy, compiled for one question type (a CNAME
// group is compiled once per type its chains answer). Members are in SetIdentifier order.
struct PolicyGroup {
  Policy policy = Policy::kWeighted;
  std::uint32_t members_begin = 0, members_count = 0;  // into members, member_templates, member_checks
  std::uint32_t blocks_begin = 0, blocks_count = 0;    // into cidr_blocks (IP-based)
  std::uint32_t none = kNoTemplate;                    // when no member applies: NODATA
  std::uint32_t record_set = 0;                        // the first member's record set, for explanations
};

struct TypeTemplate {
  std::uint16_t type;
  std::uint32_t tmpl;
};

struct Node {
  enum Flags : std::uint8_t {
    kCut = 1,        // NS below the apex: a delegation point
    kDname = 2,      // holds a DNAME: names below it are redirected
    kOccluded = 4,   // below a delegation or DNAME: glue, never answered as itself
    kWildcard = 8,   // its first label is "*"
    kEmpty = 16,     // an empty non-terminal (RFC 8020 §2): NODATA, and no wildcard match
  };
  std::uint8_t flags = 0;
  std::uint32_t types_begin = 0, types_count = 0;  // into ZoneStore::types, by type
  std::uint32_t other = kNoTemplate;     // a type the node has not: NODATA (or a CNAME chain's end)
  std::uint32_t any_udp = kNoTemplate;   // RFC 8482: one RRset over UDP
  std::uint32_t any_tcp = kNoTemplate;   // every RRset over TCP
  std::uint32_t referral = kNoTemplate;  // for a cut: NS and glue
  // For a DNAME node: its DNAME's TTL and target (wire, lower case) for synthesis at query time.
  std::uint32_t dname_ttl = 0;
  std::uint32_t dname_target = 0;  // into ZoneStore::bytes
  std::uint8_t dname_target_size = 0;
  std::uint8_t name_size = 0;
};

struct NameHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
using NameMap = std::unordered_map<std::string, std::uint32_t, NameHash, std::equal_to<>>;

// A zone's names (wire, lower case) to node indices: open addressing over one array, the names
// themselves in one blob, so a zone of 100,000 names is a few large allocations, not 200,000
// small ones (memory per record is part of the target, docs/performance.md).
class NodeIndex {
 public:
  static constexpr std::uint32_t kMissing = 0xffffffffu;
  // `names` holds every node's name at (offset, size); rebuilds the table over `count` nodes.
  void build(const std::vector<std::uint32_t>& offsets, const std::vector<std::uint8_t>& sizes,
             const std::vector<std::uint8_t>& names, std::uint32_t first, std::uint32_t count);
  [[nodiscard]] std::uint32_t find(std::string_view name, const std::vector<std::uint8_t>& names,
                                   const std::vector<std::uint32_t>& offsets, const std::vector<std::uint8_t>& sizes) const {
    if (slots_.empty()) return kMissing;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = NameHash{}(name) & mask;; i = (i + 1) & mask) {
      const std::uint32_t n = slots_[i];
      if (n == kMissing) return kMissing;
      if (sizes[n] == name.size() && std::memcmp(names.data() + offsets[n], name.data(), name.size()) == 0) return n;
    }
  }
  [[nodiscard]] std::size_t memory_bytes() const { return slots_.capacity() * sizeof(std::uint32_t); }

 private:
  std::vector<std::uint32_t> slots_;  // node index, kMissing when empty; size a power of two
};

struct Zone {
  std::string apex;  // wire, lower case
  std::string id;    // the hosted zone's id
  bool private_zone = false;  // answers without ECS, located at the querying VPC's Region
  std::uint32_t first_node = 0;
  NodeIndex nodes;   // wire name, lower case -> index into ZoneStore::nodes
  std::uint32_t apex_node = 0;
  std::uint32_t nxdomain = kNoTemplate;
  std::uint32_t nodata = kNoTemplate;
  std::size_t records = 0;
};

// What a resolver inside one VPC sees (route53.md §4): the private hosted zones associated with
// the VPC, searched first, most specific match wins, no fall-through to the public zones for a
// name under one of them; the VPC's Region locates its queries for geolocation and latency.
struct View {
  std::string vpc;     // the VPC's id (or the reference as written when it is not in the network)
  std::string name;    // its name, when the network has it
  std::string region;  // empty: unknown
  ClientLocation location;  // the Region's (no point when unknown)
  NameMap private_by_apex;  // wire apex, lower case -> index into zones
  std::uint8_t max_labels = 0;
};
inline constexpr std::uint32_t kNoView = 0xffffffffu;

struct ZoneStore {
  std::vector<Zone> zones;
  NameMap zone_by_apex;  // public zones (and private ones with --private-zones): apex -> zone
  std::vector<View> views;  // one per VPC of the network or named by a private zone's association
  std::vector<Node> nodes;
  std::vector<std::uint32_t> name_offsets;  // per node, into names
  std::vector<std::uint8_t> name_sizes;     // per node
  std::vector<std::uint8_t> names;          // every node's name, wire, lower case
  std::vector<TypeTemplate> types;
  std::vector<Template> templates;
  std::vector<std::uint8_t> bytes;
  std::vector<std::uint16_t> fixups;
  std::vector<Cut> cuts;
  std::vector<PolicyGroup> groups;
  std::vector<Member> members;
  std::vector<std::uint32_t> member_templates;
  std::vector<std::uint32_t> member_checks;      // the network's health check index, or kNoCheck
  // An alias member with EvaluateTargetHealth: the group (kGroupBit | index) it is healthy only
  // while one member of is healthy; kNoTemplate otherwise.
  std::vector<std::uint32_t> member_evaluates;
  std::vector<std::uint32_t> member_record_sets;  // the model's record set index
  std::vector<std::string> member_names;          // SetIdentifier, for explanations
  std::vector<CidrBlock> cidr_blocks;
  std::deque<std::string> texts;  // what members' string_views view (a deque never moves them)
  // The network's health checks, by index: their ids, and the state answers use (1 healthy, 0
  // unhealthy) until checkers report: healthy, or as CompileOptions::health forces it.
  std::vector<std::string> health_check_ids;
  std::vector<std::uint8_t> health;
  std::uint8_t max_labels = 0;  // of any apex: how far up the zone search starts
  // CHAOS TXT answers (RFC 4892 §2): id.server / hostname.bind, version.server / version.bind.
  std::string identity;
  std::string version;
  std::size_t records = 0;

  [[nodiscard]] std::size_t memory_bytes() const;
  // The view of the VPC with this id or name, or kNoView (not a VPC of the network).
  [[nodiscard]] std::uint32_t view_of(std::string_view vpc) const {
    for (std::size_t i = 0; i < views.size(); ++i) {
      if (views[i].vpc == vpc || (!views[i].name.empty() && views[i].name == vpc)) return static_cast<std::uint32_t>(i);
    }
    return kNoView;
  }
  // The node of `name` in `zone`, or NodeIndex::kMissing.
  [[nodiscard]] std::uint32_t find_node(const Zone& zone, std::string_view name) const {
    return zone.nodes.find(name, names, name_offsets, name_sizes);
  }
};

struct CompileOptions {
  // Answer from private hosted zones whatever the querier (as if inside all their VPCs); without
  // it, only queries in a VPC's view (ZoneStore::views) see that VPC's private zones.
  bool private_zones = false;
  // Health checks forced healthy (true) or unhealthy (false), by id or name; a name the network
  // has no check for is an error.
  std::map<std::string, bool> health;
};

// Compiles the public hosted zones of a finalized network. Problems Route 53 would not have but
// a server must decide (two public zones with one name, an alias to a resource outside the
// network) are warnings; the store is always usable.
[[nodiscard]] std::shared_ptr<const ZoneStore> compile_zones(const model::Network& network,
                                                             Diagnostics& diagnostics,
                                                             const CompileOptions& options = {});

}  // namespace cloudtwin::dns
