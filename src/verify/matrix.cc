#include "cloudtwin/verify/matrix.h"

#include <algorithm>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <tuple>

namespace cloudtwin::verify {

using model::Index;
using model::kNone;

// Up to this many pairs of addresses, a singleton's walks are pinned to one pair at a time.
constexpr std::size_t kPinnedPairs = 16;

std::uint32_t SubnetMatrix::add_side(std::uint32_t origin, const std::vector<Index>& members) {
  Side side;
  side.origin = origin;
  side.first = members.front();
  if (classes_.symmetric[origin]) {
    for (Index e : members) side.hosts.push_back(n_->network_interfaces[e].private_ips[0]);
    std::sort(side.hosts.begin(), side.hosts.end());
    side.sources = HeaderSpace::addresses(Block::kSrc, side.hosts);
    side.destinations = HeaderSpace::addresses(Block::kDst, side.hosts);
  }
  sides_.push_back(std::move(side));
  return static_cast<std::uint32_t>(sides_.size() - 1);
}

namespace {

// Per source class, the pinned space last used and the destination key it was made for.
struct LastSpace {
  std::optional<bdd> space;
  U128 key = 0;
};

}  // namespace

// The walks of one matrix: each pair of classes visited records its pairs of sides, its cell
// and (keep_reads) the rule lists its walks read.
struct SubnetMatrix::Builder {
  Builder(Compiled& compiled, SubnetMatrix& matrix);
  // Walks the pair of classes (a, b).
  void visit(std::size_t a, std::size_t b, LastSpace& last);

 private:
  void walk_pair(std::size_t a, std::size_t b, LastSpace& last);
  // The representative of class i and its spaces, made on first use.
  void prepare(std::size_t i);
  IpAddress address(Index e) const { return n.network_interfaces[e].private_ips[0]; }
  bdd pinned_space(std::size_t a, Index x, Index y, LastSpace& last);
  void record(std::size_t cell, std::uint32_t from_side, std::uint32_t to_side, bdd x, bool doubt);
  bdd walk_singleton(std::size_t a, std::size_t b, Index x, Index y, bool& doubt);

  Compiled& c;
  const model::Network& n;
  SubnetMatrix& m;
  const InterfaceClasses& classes;
  ReachOptions ro;
  Party party;  // an ENI party: its addresses are those of the ENI passed alongside
  std::vector<vpc::Endpoint> rep;
  std::vector<bdd> sources, destinations, sources_pinned;
  std::vector<U128> dst_support;
  std::vector<bool> ready;
  // The address bits the query's headers depend on: sources (destinations) that differ in them
  // do not answer alike, whatever the rules say.
  U128 src_mask = 0, dst_mask = 0;
  bdd src_vars = HeaderSpace::variables(Block::kSrc);
  bdd dst_vars = HeaderSpace::variables(Block::kDst);
  std::vector<Rectangle> pending;
  RulesRead read;        // by the last walk
  RulesRead visit_read;  // by every walk of the pair of classes (keep_reads)
  bool visit_doubt = false;
};

SubnetMatrix::Builder::Builder(Compiled& compiled, SubnetMatrix& matrix)
    : c(compiled), n(compiled.network()), m(matrix), classes(matrix.classes_) {
  ro.headers = m.options_.headers;
  ro.any_source_port = m.options_.any_source_port;
  const std::size_t k = classes.members.size();
  rep.resize(k);
  sources.resize(k);
  destinations.resize(k);
  sources_pinned.resize(k);
  dst_support.assign(k, 0);
  ready.assign(k, false);
  src_mask = HeaderSpace::support(m.options_.headers, Block::kSrc);
  dst_mask = HeaderSpace::support(m.options_.headers, Block::kDst);
  if (m.options_.keep_reads) {
    m.readers_.resize(2 * std::max(n.security_groups.size(), n.network_acls.size()));
    m.visit_doubt_.resize(k * k);
  }
}

void SubnetMatrix::Builder::prepare(std::size_t i) {
  if (ready[i]) return;
  ready[i] = true;
  rep[i] = interface_endpoint(classes.members[i].front());
  sources[i] = source_space(n, party, rep[i], ro);
  destinations[i] = party_addresses(n, party, rep[i].index, false, Block::kDst);
  if (classes.symmetric[i]) {
    sources_pinned[i] =
        bdd_restrict(sources[i], c.address_cube(Block::kSrc, address(rep[i].index)));
    dst_support[i] = HeaderSpace::support(sources_pinned[i], Block::kDst);
  }
}

// The space between two members, over protocol and ports. The space depends on few bits of
// the destination (usually only that it is IPv4), so consecutive destinations mostly share it;
// conjoining the destination's address first would only build 256 levels of address for
// reachable_pinned to cut off again.
bdd SubnetMatrix::Builder::pinned_space(std::size_t a, Index x, Index y, LastSpace& last) {
  IpAddress to = address(y);
  if (src_mask != 0 && x != rep[a].index) {
    bdd own = bdd_restrict(source_space(n, party, interface_endpoint(x), ro),
                           c.address_cube(Block::kSrc, address(x)));
    return bdd_restrict(own, c.address_cube(Block::kDst, to));
  }
  U128 key = to.bits() & dst_support[a];
  if (!last.space || key != last.key) {
    last.key = key;
    last.space = bdd_restrict(sources_pinned[a], c.address_cube(Block::kDst, to));
  }
  return *last.space;
}

void SubnetMatrix::Builder::record(std::size_t cell, std::uint32_t from_side, std::uint32_t to_side,
                                   bdd x, bool doubt) {
  if (doubt) {
    m.cells_[cell] |= kDoubt;
    visit_doubt = true;
  }
  if (x == bddfalse) return;
  m.cells_[cell] |= kReach;
  m.pairs_.push_back({from_side, to_side, std::move(x)});
}

// A walk between members x and y of classes a and b, at least one a singleton: in full,
// addresses and all, then over protocol and ports on the side of a symmetric class.
bdd SubnetMatrix::Builder::walk_singleton(std::size_t a, std::size_t b, Index x, Index y,
                                          bool& doubt) {
  bdd from = x == rep[a].index ? sources[a] : source_space(n, party, interface_endpoint(x), ro);
  bdd space = from & party_addresses(n, party, y, false, Block::kDst);
  bdd reached = bddfalse;
  ReachResult r;
  if (!m.options_.packets) {
    // Cells only: one reachable packet answers, as for pairs of symmetric classes. A load
    // balancer's targets and nodes are singletons (also reached at the nodes' addresses), so
    // this is most of the walks of a network with load balancers.
    reached =
        first_reachable(c, interface_endpoint(x), interface_endpoint(y), space, m.walks_, &read);
    doubt = false;
  }
  if (reached == bddfalse) {
    // A few addresses each side (a target is also reached at its load balancers' nodes): one
    // pinned exploration per pair of addresses costs less than one over them all, whose
    // conditions carry the addresses.
    const auto from_addresses = interface_addresses(n, x, true);
    const auto to_addresses = interface_addresses(n, y, false);
    if (from_addresses.size() * to_addresses.size() <= kPinnedPairs) {
      for (IpAddress s : from_addresses) {
        for (IpAddress d : to_addresses) {
          if (s.family() != d.family()) continue;
          bdd pair =
              space & HeaderSpace::address(Block::kSrc, s) & HeaderSpace::address(Block::kDst, d);
          if (pair != bddfalse) {
            explore_pinned(c, interface_endpoint(x), interface_endpoint(y), s, d, pair, r,
                           ~std::size_t{0});
          }
        }
      }
    } else {
      explore(c, interface_endpoint(x), interface_endpoint(y), space, r, ~std::size_t{0});
    }
    m.walks_ += r.walks;
    for (const auto& f : r.flows) read.add(f.security_groups, f.network_acls);
    doubt = r.inconclusive != bddfalse;
    reached = r.reachable;
  }
  if (reached != bddfalse && classes.symmetric[a]) reached = bdd_exist(reached, src_vars);
  if (reached != bddfalse && classes.symmetric[b]) reached = bdd_exist(reached, dst_vars);
  return reached;
}

void SubnetMatrix::Builder::visit(std::size_t a, std::size_t b, LastSpace& last) {
  visit_read.clear();
  visit_doubt = false;
  walk_pair(a, b, last);
  if (!m.options_.keep_reads) return;
  const auto v = static_cast<std::uint32_t>(a * classes.members.size() + b);
  m.visit_doubt_[v] = visit_doubt;
  auto note = [&](std::size_t list) {
    auto& readers = m.readers_[list];
    if (readers.empty() || readers.back() != v) readers.push_back(v);
  };
  for (Index g : visit_read.security_groups) note(2 * std::size_t{g});
  for (Index acl : visit_read.network_acls) note(2 * std::size_t{acl} + 1);
}

void SubnetMatrix::Builder::walk_pair(std::size_t a, std::size_t b, LastSpace& last) {
  const bool keep_reads = m.options_.keep_reads;
  prepare(a);
  prepare(b);
  Index from_subnet = n.network_interfaces[rep[a].index].subnet.index;
  Index to_subnet = n.network_interfaces[rep[b].index].subnet.index;
  if (from_subnet == kNone || to_subnet == kNone) return;
  const std::size_t cell = from_subnet * m.subnets_ + to_subnet;
  const auto from_class = static_cast<std::uint32_t>(a);
  const auto to_class = static_cast<std::uint32_t>(b);
  const bool pinned = classes.symmetric[a] && classes.symmetric[b];
  // One walk per rectangle, split by the rules the walks read. (A singleton has no pair with
  // itself: representatives() finds none.)
  auto walk = [&](Index x, Index y, bool& doubt) {
    read.clear();
    bdd reached;
    if (!pinned) {
      reached = walk_singleton(a, b, x, y, doubt);
    } else {
      bdd inconclusive = bddfalse;
      reached = reachable_pinned_space(c, interface_endpoint(x), interface_endpoint(y), address(x),
                                       address(y), pinned_space(a, x, y, last), m.walks_,
                                       !m.options_.packets, &inconclusive, &read);
      doubt = inconclusive != bddfalse;
    }
    if (keep_reads) visit_read.add(read.security_groups, read.network_acls);
    return reached;
  };
  auto keep = [&](const Rectangle& same, bdd reached, bool doubt) {
    std::uint32_t from_side = from_class, to_side = to_class;
    if (reached != bddfalse) {
      if (same.sources.size() != classes.members[a].size())
        from_side = m.add_side(from_class, same.sources);
      if (same.destinations.size() != classes.members[b].size())
        to_side = m.add_side(to_class, same.destinations);
    }
    record(cell, from_side, to_side, std::move(reached), doubt);
  };
  const auto& sources_of_a = classes.members[a];
  const auto& destinations_of_b = classes.members[b];
  Index x = sources_of_a.front();
  Index y = a != b ? destinations_of_b.front() : sources_of_a.size() > 1 ? sources_of_a[1] : kNone;
  if (y == kNone) return;
  bool doubt = false;
  bdd reached = walk(x, y, doubt);
  // Usually no list read tells the members of either class apart: the whole pair answers as
  // its representatives.
  if (src_mask == 0 && dst_mask == 0 && !c.splits_class(read, from_class) &&
      !c.splits_class(read, to_class)) {
    record(cell, from_class, to_class, std::move(reached), doubt);
    return;
  }
  pending.clear();
  keep(split_rectangle(c, {sources_of_a, destinations_of_b}, x, y, read, src_mask, dst_mask,
                       pending),
       std::move(reached), doubt);
  while (!pending.empty()) {
    Rectangle r = std::move(pending.back());
    pending.pop_back();
    if (!representatives(r, x, y)) continue;
    reached = walk(x, y, doubt);
    keep(split_rectangle(c, r, x, y, read, src_mask, dst_mask, pending), std::move(reached), doubt);
  }
}

SubnetMatrix subnet_matrix(Compiled& c, const MatrixOptions& options) {
  const auto& n = c.network();
  SubnetMatrix m;
  m.n_ = &n;
  m.options_ = options;
  m.subnets_ = n.subnets.size();
  m.cells_.assign(m.subnets_ * m.subnets_, 0);
  m.classes_ = c.classes();
  const auto& classes = m.classes_;
  const std::size_t k = classes.members.size();
  for (std::size_t i = 0; i < k; ++i) {
    m.class_subnet_.push_back(n.network_interfaces[classes.members[i].front()].subnet.index);
    (void)m.add_side(static_cast<std::uint32_t>(i), classes.members[i]);
  }
  // A pair of classes is numbered in 32 bits: past that, nothing is kept and updated()
  // builds the matrix again.
  if (k * k > std::numeric_limits<std::uint32_t>::max()) m.options_.keep_reads = false;
  SubnetMatrix::Builder builder(c, m);
  // In tiles of sources: each destination's rules (security groups, network ACL, the cells
  // compiled from them) serve a tile of walks while they are in the processor's cache, where
  // one source at a time would fetch every destination's rules from memory again.
  constexpr std::size_t kTile = 32;
  std::vector<LastSpace> last(kTile);
  for (std::size_t first = 0; first < k; first += kTile) {
    std::size_t end = std::min(k, first + kTile);
    for (auto& l : last) l = {};
    for (std::size_t b = 0; b < k; ++b) {
      for (std::size_t a = first; a < end; ++a) builder.visit(a, b, last[a - first]);
    }
  }
  // In place (a stable sort would borrow as much memory again).
  std::sort(m.pairs_.begin(), m.pairs_.end(),
            [&](const auto& x, const auto& y) { return m.in_order(x, y); });
  return m;
}

SubnetMatrix SubnetMatrix::updated(Compiled& c, std::span<const Index> groups,
                                   std::span<const Index> acls,
                                   std::vector<std::size_t>* walked) const {
  const auto& n = c.network();
  const auto& classes = c.classes();
  const std::size_t k = classes.members.size();
  if (!options_.keep_reads || classes.members != classes_.members ||
      classes.symmetric != classes_.symmetric || n.subnets.size() != subnets_) {
    SubnetMatrix m = subnet_matrix(c, options_);
    if (walked) {
      walked->resize(m.subnets_ * m.subnets_);
      for (std::size_t i = 0; i < walked->size(); ++i) (*walked)[i] = i;
    }
    return m;
  }
  // The pairs of classes whose walks read a changed list.
  std::vector<bool> walk_again(k * k);
  std::vector<bool> stale_class(k);  // by source class
  std::vector<std::size_t> cells;
  auto stale = [&](std::size_t list) {
    if (list >= readers_.size()) return;
    for (std::uint32_t v : readers_[list]) {
      if (walk_again[v]) continue;
      walk_again[v] = true;
      stale_class[v / k] = true;
      const Index from = class_subnet_[v / k], to = class_subnet_[v % k];
      if (from != kNone && to != kNone) cells.push_back(from * subnets_ + to);
    }
  };
  for (Index g : groups) stale(2 * std::size_t{g});
  for (Index a : acls) stale(2 * std::size_t{a} + 1);
  std::sort(cells.begin(), cells.end());
  cells.erase(std::unique(cells.begin(), cells.end()), cells.end());

  SubnetMatrix m;
  m.n_ = &n;
  m.options_ = options_;
  m.subnets_ = subnets_;
  m.classes_ = classes_;
  m.class_subnet_ = class_subnet_;
  m.sides_ = sides_;
  m.readers_ = readers_;  // a pair walked again adds what it reads now
  m.visit_doubt_ = visit_doubt_;
  m.cells_ = cells_;
  // The answers that stand; the cells walked again start empty.
  m.pairs_.reserve(pairs_.size());
  for (const auto& p : pairs_) {
    if (!walk_again[sides_[p.from_side].origin * k + sides_[p.to_side].origin])
      m.pairs_.push_back(p);
  }
  const std::size_t kept = m.pairs_.size();
  for (std::size_t cell : cells) m.cells_[cell] = 0;
  Builder builder(c, m);
  LastSpace last;
  for (std::size_t a = 0; a < k; ++a) {
    if (!stale_class[a]) continue;
    last = {};
    for (std::size_t b = 0; b < k; ++b) {
      if (walk_again[a * k + b]) builder.visit(a, b, last);
    }
  }
  // A cell walked again is also made of the pairs of classes that were not: their answers
  // (pairs kept) and their doubt.
  for (const auto& p : std::span(m.pairs_).first(kept)) m.cells_[m.cell_of(p)] |= kReach;
  for (std::size_t v = 0; v < k * k; ++v) {
    if (walk_again[v] || !visit_doubt_[v]) continue;
    const Index from = class_subnet_[v / k], to = class_subnet_[v % k];
    if (from != kNone && to != kNone) m.cells_[from * subnets_ + to] |= kDoubt;
  }
  // The pairs walked again, sorted, merged into those kept.
  auto by_cell = [&](const Pair& x, const Pair& y) { return m.in_order(x, y); };
  auto middle = m.pairs_.begin() + static_cast<std::ptrdiff_t>(kept);
  std::sort(middle, m.pairs_.end(), by_cell);
  std::inplace_merge(m.pairs_.begin(), middle, m.pairs_.end(), by_cell);
  if (walked) *walked = std::move(cells);
  return m;
}

std::size_t SubnetMatrix::reachable_cells() const {
  return static_cast<std::size_t>(std::count_if(cells_.begin(), cells_.end(),
                                                [](std::uint8_t x) { return (x & kReach) != 0; }));
}

std::size_t SubnetMatrix::inconclusive_cells() const {
  return static_cast<std::size_t>(std::count(cells_.begin(), cells_.end(), kDoubt));
}

std::span<const SubnetMatrix::Pair> SubnetMatrix::pairs_of(Index from, Index to) const {
  std::size_t cell = from * subnets_ + to;
  auto first = std::lower_bound(pairs_.begin(), pairs_.end(), cell,
                                [&](const Pair& p, std::size_t c) { return cell_of(p) < c; });
  auto last = first;
  while (last != pairs_.end() && cell_of(*last) == cell) ++last;
  return {first, last};
}

bdd SubnetMatrix::protocols_and_ports(Index from, Index to) const {
  static const bdd addresses = HeaderSpace::variables(Block::kSrc) &
                               HeaderSpace::variables(Block::kDst) &
                               bdd_ithvar(HeaderSpace::kFamilyVariable);
  bdd out = bddfalse;
  // A pair of one class stands for two different members (walked that way), so leaving out
  // an ENI to itself takes no protocol or port away.
  for (const auto& p : pairs_of(from, to)) out |= bdd_exist(p.reachable, addresses);
  return out;
}

bdd SubnetMatrix::packets(const Pair& p) const {
  const Side& s = sides_[p.from_side];
  const Side& d = sides_[p.to_side];
  bdd x = p.reachable;
  if (classes_.symmetric[s.origin]) x &= s.sources;
  if (classes_.symmetric[d.origin]) x &= d.destinations;
  if (s.origin == d.origin) {
    // Not an ENI to itself.
    std::vector<IpAddress> both;
    std::set_intersection(s.hosts.begin(), s.hosts.end(), d.hosts.begin(), d.hosts.end(),
                          std::back_inserter(both));
    bdd same = bddfalse;
    for (IpAddress a : both) {
      same |= HeaderSpace::address(Block::kSrc, a) & HeaderSpace::address(Block::kDst, a);
    }
    x &= !same;
  }
  return x;
}

bdd SubnetMatrix::packets(Index from, Index to) const {
  bdd out = bddfalse;
  for (const auto& p : pairs_of(from, to)) out |= packets(p);
  return out;
}

std::vector<Flow> SubnetMatrix::flows(Index from, Index to) const {
  std::vector<Flow> out;
  for (const auto& p : pairs_of(from, to)) {
    Flow f;
    f.packets = packets(p);
    if (f.packets == bddfalse) continue;
    f.trace.reachable = true;
    f.trace.verdict = vpc::Verdict::kReachable;
    f.source_interface = sides_[p.from_side].first;
    f.destination_interface = sides_[p.to_side].first;
    out.push_back(std::move(f));
  }
  return out;
}

bool SubnetMatrix::same_cell(Index from, Index to, const SubnetMatrix& other, Index other_from,
                             Index other_to) const {
  const auto a = pairs_of(from, to);
  const auto b = other.pairs_of(other_from, other_to);
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].reachable != b[i].reachable) return false;
    const Side& s = sides_[a[i].from_side];
    const Side& d = sides_[a[i].to_side];
    const Side& os = other.sides_[b[i].from_side];
    const Side& od = other.sides_[b[i].to_side];
    if (classes_.symmetric[s.origin] != other.classes_.symmetric[os.origin] ||
        classes_.symmetric[d.origin] != other.classes_.symmetric[od.origin] ||
        (s.origin == d.origin) != (os.origin == od.origin) || s.hosts != os.hosts ||
        d.hosts != od.hosts)
      return false;
  }
  return true;
}

}  // namespace cloudtwin::verify
