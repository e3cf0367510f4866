// RFC 1035 master files through Knot's libzscanner (record syntax, $ORIGIN, $TTL, $INCLUDE,
// parentheses, escapes: every type Knot knows), turned into a model::HostedZone. Values are kept
// in presentation form as Knot prints them, so a zone file and a change batch give the same
// model. Written here: only the file's layout into zones and record sets, and cli53's comments.
#include "cloudtwin/load/zone_file.h"

extern "C" {  // some libknot headers lack C++ linkage guards
#include <libknot/libknot.h>
}
// libzscanner's error.h lacks C++ linkage guards.
extern "C" {
#include <libzscanner/error.h>
#include <libzscanner/scanner.h>
}

#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <tuple>

#include "cloudtwin/model/record_data.h"

namespace cloudtwin::load {

namespace fs = std::filesystem;

namespace {

std::vector<std::string_view> tokens(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    if (i >= line.size() || line[i] == ';') break;
    std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    out.push_back(line.substr(start, i - start));
  }
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// cli53's `AWS ALIAS` record, which no master-file parser reads: taken out of the text before
// libzscanner sees it (the line is blanked, so line numbers stay).
struct AliasLine {
  std::uint32_t line = 0;
  std::string owner;
  std::optional<std::int64_t> ttl;
  std::string type;
  std::string target;
  std::string zone_id;
  bool evaluate_target_health = false;
  std::string comment;
};

// `key="value" key=value` pairs after `AWS` in a cli53 comment.
std::map<std::string, std::string> aws_fields(std::string_view comment) {
  std::map<std::string, std::string> out;
  auto start = comment.find("AWS ");
  if (start == std::string_view::npos) return out;
  comment.remove_prefix(start + 4);
  std::size_t i = 0;
  while (i < comment.size()) {
    while (i < comment.size() && (comment[i] == ' ' || comment[i] == '\t')) ++i;
    auto eq = comment.find('=', i);
    if (eq == std::string_view::npos) break;
    std::string key(comment.substr(i, eq - i));
    i = eq + 1;
    std::string value;
    if (i < comment.size() && comment[i] == '"') {
      auto close = comment.find('"', i + 1);
      if (close == std::string_view::npos) close = comment.size();
      value = comment.substr(i + 1, close - i - 1);
      i = close + 1;
    } else {
      auto end = comment.find_first_of(" \t", i);
      if (end == std::string_view::npos) end = comment.size();
      value = comment.substr(i, end - i);
      i = end;
    }
    out[key] = value;
  }
  return out;
}

// The origin a file name implies: "example.com.zone", "db.example.com" -> "example.com.".
std::string origin_from_file_name(const std::string& path) {
  std::string name = fs::path(path).filename().string();
  for (std::string_view ext : {".zone", ".db", ".txt"}) {
    if (name.size() > ext.size() && name.ends_with(ext)) name.resize(name.size() - ext.size());
  }
  if (name.starts_with("db.")) name.erase(0, 3);
  if (auto canonical = model::canonical_name(name)) return *canonical;
  return ".";
}

struct ScannedRecord {
  std::vector<std::uint8_t> owner;  // wire, as written
  std::uint16_t type = 0;
  std::uint16_t rclass = 0;
  std::uint32_t ttl = 0;
  std::vector<std::uint8_t> rdata;
  std::uint32_t line = 0;
  std::string comment;
};

struct ScanError {
  std::uint32_t line = 0;
  std::string message;
  int code = 0;
};

struct ScanResult {
  std::vector<ScannedRecord> records;
  std::vector<ScanError> errors;
};

void on_record(zs_scanner_t* s) {
  auto* out = static_cast<ScanResult*>(s->process.data);
  ScannedRecord r;
  r.owner.assign(s->r_owner, s->r_owner + s->r_owner_length);
  r.type = s->r_type;
  r.rclass = s->r_class;
  r.ttl = s->r_ttl;
  r.rdata.assign(s->r_data, s->r_data + s->r_data_length);
  r.line = static_cast<std::uint32_t>(s->line_counter);
  if (s->buffer_length > 0) r.comment.assign(reinterpret_cast<const char*>(s->buffer), s->buffer_length);
  out->records.push_back(std::move(r));
}

void on_error(zs_scanner_t* s) {
  auto* out = static_cast<ScanResult*>(s->process.data);
  out->errors.push_back({static_cast<std::uint32_t>(s->line_counter), zs_strerror(s->error.code), s->error.code});
}

ScanResult scan(const std::string& text, const std::string& origin) {
  ScanResult result;
  // The scanner is large (two 64 KiB buffers): one per thread, reused, not zeroed each time
  // (zs_init() sets what it needs).
  static thread_local std::unique_ptr<zs_scanner_t> scanner(new zs_scanner_t);
  zs_scanner_t* s = scanner.get();
  if (zs_init(s, origin.c_str(), KNOT_CLASS_IN, 3600) != 0 ||
      zs_set_input_string(s, text.data(), text.size()) != 0 ||
      zs_set_processing(s, on_record, on_error, &result) != 0) {
    result.errors.push_back({0, zs_strerror(s->error.code)});
    zs_deinit(s);
    return result;
  }
  if (zs_parse_all(s) != 0 && result.errors.empty()) {
    result.errors.push_back({static_cast<std::uint32_t>(s->line_counter), zs_strerror(s->error.code)});
  }
  zs_deinit(s);
  return result;
}

// ResourceRecordTypes.html.
bool route53_type(std::string_view t) {
  for (std::string_view r : {"A", "AAAA", "CAA", "CNAME", "DS", "HTTPS", "MX", "NAPTR", "NS", "PTR", "SOA", "SPF",
                             "SRV", "SSHFP", "SVCB", "TLSA", "TXT"}) {
    if (t == r) return true;
  }
  return false;
}

bool under(std::string_view name, std::string_view apex) {
  if (apex == ".") return true;
  if (name.size() < apex.size() || name.substr(name.size() - apex.size()) != apex) return false;
  return name.size() == apex.size() || name[name.size() - apex.size() - 1] == '.';
}

class ZoneFileReader {
 public:
  ZoneFileReader(std::string_view text, const std::string& path, model::Network& n, Diagnostics& d)
      : text_(text), path_(path), n_(n), d_(d), file_(n.add_file(path)) {}

  bool read() {
    const std::size_t errors_before = d_.error_count();
    take_out_alias_lines();
    take_out_unknown_types();
    std::string origin = first_origin_directive().value_or(origin_from_file_name(path_));
    ScanResult result = scan(text_, origin);
    // The SOA names the zone: read again with it as the origin when it differs, so that names
    // written before any $ORIGIN are relative to the zone.
    if (auto soa = soa_owner(result); soa && *soa != origin) {
      origin = *soa;
      result = scan(text_, origin);
    } else if (!soa) {
      d_.warning(path_, {file_, 1, 1}, "",
                 "the zone file has no SOA record: the zone is " + origin +
                     " (from its $ORIGIN or file name) and gets Route 53's SOA",
                 "add `$ORIGIN example.com.` and an SOA record to name the zone");
    }
    for (const auto& e : result.errors) {
      // Types Route 53 does not serve (NSEC, HIP, ...) that Knot's parser cannot read either are
      // left out with a warning: the rest of the zone is still served.
      auto type = type_at(e.line);
      if (!type.empty() && !route53_type(type)) {
        d_.warning(path_, {file_, e.line, 1}, "",
                   "the " + type + " record is left out: " + e.message + " (Route 53 does not serve " + type + ")");
      } else if ((type == "SVCB" || type == "HTTPS") && e.code == ZS_BAD_SVCB_PARAM) {
        // SvcParamKeys are a growing registry (RFC 9460 §14.3); Knot 3.2 knows those up to ech.
        d_.warning(path_, {file_, e.line, 1}, "",
                   "the " + type + " record is left out: it has a SvcParam Knot's parser does not know",
                   "write it in the generic form keyNNNNN=\"...\" (RFC 9460 §2.1)");
      } else {
        d_.error(path_, {file_, e.line, 1}, "", e.message + " in the zone file");
      }
    }
    origin_ = origin;
    make_zone();
    for (auto& r : result.records) add(r);
    for (const auto& a : aliases_) add_alias(a);
    return d_.error_count() == errors_before;
  }

 private:
  // One record as written: its lines (parentheses continue it) and its type token.
  struct Logical {
    std::uint32_t first = 0, last = 0;
    std::size_t begin = 0, end = 0;  // offsets in text_
    std::string type;
  };

  // The records of the text, found the way RFC 1035 §5.1 lays them out: an owner in the first
  // column or none, then TTL and class in either order, then the type.
  std::vector<Logical> logical_records() const {
    std::vector<Logical> out;
    std::size_t pos = 0;
    std::uint32_t line = 1;
    int depth = 0;
    Logical cur;
    bool open = false;
    while (pos < text_.size()) {
      std::size_t end = text_.find('\n', pos);
      if (end == std::string::npos) end = text_.size();
      std::string_view l(text_.data() + pos, end - pos);
      if (!open) {
        auto t = tokens(l);
        if (!t.empty() && !t[0].starts_with("$")) {
          std::size_t i = (l[0] == ' ' || l[0] == '\t') ? 0 : 1;
          while (i < t.size() && (all_digits(t[i].substr(0, 1)) || t[i] == "IN" || t[i] == "CH" || t[i] == "HS" ||
                                  t[i] == "in" || t[i].starts_with("CLASS"))) {
            ++i;
          }
          cur = {line, line, pos, end, i < t.size() ? std::string(t[i]) : std::string()};
          if (cur.type == "(") cur.type.clear();
          open = true;
        }
      }
      bool quoted = false;
      for (std::size_t k = 0; k < l.size(); ++k) {
        char c = l[k];
        if (c == '\\') { ++k; continue; }
        if (c == '"') quoted = !quoted;
        if (quoted) continue;
        if (c == ';') break;
        if (c == '(') ++depth;
        if (c == ')' && depth > 0) --depth;
      }
      if (open) {
        cur.last = line;
        cur.end = end;
        if (depth == 0) {
          out.push_back(cur);
          open = false;
        }
      }
      pos = end + 1;
      ++line;
    }
    if (open) out.push_back(cur);
    return out;
  }

  // Records of a type no parser here knows (GPOS, WKS, NSAP, ...) are blanked before scanning,
  // so that their parenthesised lines do not read as records of their own.
  void take_out_unknown_types() {
    logical_ = logical_records();
    for (const auto& r : logical_) {
      std::string upper = r.type;
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (upper.empty() || model::rr_type_code(upper) != 0) continue;
      d_.warning(path_, {file_, r.first, 1}, "",
                 "record type " + r.type + " is unknown to Knot's zone parser and to Route 53: the record is left out");
      for (std::size_t k = r.begin; k < r.end; ++k) {
        if (text_[k] != '\n') text_[k] = ' ';
      }
      text_[r.begin] = ';';
    }
  }

  std::string type_at(std::uint32_t line) const {
    for (const auto& r : logical_) {
      if (line >= r.first && line <= r.last) {
        std::string upper = r.type;
        for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return upper;
      }
    }
    return {};
  }

  std::optional<std::string> first_origin_directive() const {
    std::istringstream in(text_);
    std::string line;
    while (std::getline(in, line)) {
      auto t = tokens(line);
      if (t.empty()) continue;
      if (t[0] == "$ORIGIN" && t.size() >= 2) return model::canonical_name(t[1]);
      if (t[0].starts_with("$")) continue;
      return std::nullopt;
    }
    return std::nullopt;
  }

  std::optional<std::string> soa_owner(const ScanResult& r) const {
    for (const auto& rec : r.records) {
      if (rec.type == KNOT_RRTYPE_SOA) {
        auto owner = rec.owner;
        knot_dname_to_lower(owner.data());
        return model::dname_to_text(owner.data());
      }
    }
    return std::nullopt;
  }

  void take_out_alias_lines() {
    std::size_t pos = 0;
    std::uint32_t line = 1;
    while (pos <= text_.size()) {
      std::size_t end = text_.find('\n', pos);
      if (end == std::string::npos) end = text_.size();
      std::string_view l(text_.data() + pos, end - pos);
      auto t = tokens(l);
      for (std::size_t i = 1; i + 1 < t.size(); ++i) {
        if (t[i] != "AWS" || t[i + 1] != "ALIAS") continue;
        AliasLine a;
        a.line = line;
        a.owner = std::string(t[0]);
        if (i == 2 && all_digits(t[1])) {
          // Route 53's TTL range (0-2147483647); longer digit strings are no TTL at all.
          std::int64_t ttl = 0;
          auto [end, ec] = std::from_chars(t[1].data(), t[1].data() + t[1].size(), ttl);
          if (ec != std::errc() || ttl > 2147483647) {
            d_.error(path_, {file_, line, 1}, std::string(t[0]),
                     "the TTL `" + std::string(t[1]) + "` is outside 0-2147483647");
          } else {
            a.ttl = ttl;
          }
        }
        if (t.size() > i + 2) a.type = std::string(t[i + 2]);
        if (t.size() > i + 3) a.target = std::string(t[i + 3]);
        if (t.size() > i + 4) a.zone_id = std::string(t[i + 4]);
        if (t.size() > i + 5) a.evaluate_target_health = t[i + 5] == "true";
        if (auto semi = l.find(';'); semi != std::string_view::npos) a.comment = std::string(l.substr(semi + 1));
        if (t.size() < i + 5) {
          d_.error(path_, {file_, line, 1}, a.owner,
                   "an `AWS ALIAS` record reads `NAME [TTL] AWS ALIAS TYPE TARGET ZONE-ID "
                   "EVALUATE-TARGET-HEALTH`");
        } else {
          aliases_.push_back(std::move(a));
        }
        for (std::size_t k = pos; k < end; ++k) text_[k] = ' ';
        if (end > pos) text_[pos] = ';';
        break;
      }
      pos = end + 1;
      ++line;
    }
  }

  void make_zone() {
    model::HostedZone z;
    z.id = origin_;
    z.name = fs::path(path_).filename().string();
    auto wire = model::dname_from_text(origin_, "");
    z.domain = wire ? model::route53_name_text(wire->data()) : origin_;
    z.at = {file_, 1, 1};
    n_.hosted_zones.push_back(std::move(z));
    zone_ = n_.hosted_zones.back().id;
  }

  // The record set for owner, type and set identifier, made on first use.
  model::RecordSet& record_set(const std::string& owner, const std::string& type,
                               const std::string& set_identifier, Location at, bool& made) {
    std::string key_owner = model::route53_canonical_name(owner).value_or(owner);
    auto key = std::make_tuple(key_owner, type, set_identifier);
    auto it = sets_.find(key);
    made = it == sets_.end();
    if (!made) return n_.record_sets[it->second];
    model::RecordSet r;
    r.id = zone_ + "/" + key_owner + "/" + type + (set_identifier.empty() ? "" : "/" + set_identifier);
    r.at = at;
    r.hosted_zone = {zone_, at};
    r.record_name = owner;
    r.type = type;
    r.set_identifier = set_identifier;
    n_.record_sets.push_back(std::move(r));
    sets_[key] = n_.record_sets.size() - 1;
    return n_.record_sets.back();
  }

  void routing(model::RecordSet& r, const std::string& comment, Location at) {
    auto f = aws_fields(comment);
    if (f.empty()) return;
    auto number = [&](const std::string& key) -> std::optional<std::int64_t> {
      auto it = f.find(key);
      if (it == f.end()) return std::nullopt;
      if (!all_digits(it->second) || it->second.size() > 9) {
        d_.error(path_, at, r.id, "`" + key + "=" + it->second + "` is not a number");
        return std::nullopt;
      }
      return std::stoll(it->second);
    };
    const std::string routing = f.count("routing") ? f["routing"] : "";
    if (routing == "WEIGHTED") r.weight = number("weight").value_or(0);
    if (routing == "LATENCY") r.region = f["region"];
    if (routing == "FAILOVER") r.failover = f["failover"];
    if (routing == "MULTIVALUE") r.multivalue_answer = true;
    if (routing == "GEOLOCATION") {
      model::GeoLocation g;
      g.continent_code = f["continentCode"];
      g.country_code = f["countryCode"];
      g.subdivision_code = f["subdivisionCode"];
      r.geo_location = g;
    }
    if (!routing.empty() && routing != "WEIGHTED" && routing != "LATENCY" && routing != "FAILOVER" &&
        routing != "MULTIVALUE" && routing != "GEOLOCATION") {
      d_.error(path_, at, r.id, "unknown cli53 routing `" + routing + "`",
               "WEIGHTED, LATENCY, FAILOVER, MULTIVALUE or GEOLOCATION");
    }
    if (f.count("healthCheckId")) r.health_check_id = f["healthCheckId"];
  }

  void add(ScannedRecord& rec) {
    Location at{file_, rec.line, 1};
    std::string owner = model::route53_name_text(rec.owner.data());
    auto lower = rec.owner;
    knot_dname_to_lower(lower.data());
    if (!under(model::dname_to_text(lower.data()), origin_)) {
      // NSD and Knot leave out-of-zone data out with a warning too.
      d_.warning(path_, at, owner, "out of zone " + origin_ + ": the record is left out");
      return;
    }
    if (rec.rclass != KNOT_CLASS_IN) {
      d_.warning(path_, at, owner, "only class IN is served: the record is left out");
      return;
    }
    std::string type = model::rr_type_name(rec.type);
    std::string value = model::rdata_to_text(rec.type, rec.rdata.data(), rec.rdata.size());
    if (value.empty() && !rec.rdata.empty()) {
      d_.error(path_, at, owner, "the " + type + " record's data cannot be printed");
      return;
    }
    auto fields = aws_fields(rec.comment);
    std::string set_identifier = fields.count("identifier") ? fields["identifier"] : "";
    bool made = false;
    model::RecordSet& r = record_set(owner, type, set_identifier, at, made);
    if (made) {
      r.ttl = rec.ttl;
      routing(r, rec.comment, at);
    } else if (r.ttl && *r.ttl != rec.ttl) {
      // RFC 2181 §5.2: one TTL per RRset.
      d_.warning(path_, at, r.id,
                 "TTL " + std::to_string(rec.ttl) + " differs from the RRset's " + std::to_string(*r.ttl) +
                     " (RFC 2181 §5.2): the first is used");
    }
    r.values.push_back(std::move(value));
    r.value_at.push_back(at);
  }

  void add_alias(const AliasLine& a) {
    Location at{file_, a.line, 1};
    auto fields = aws_fields(a.comment);
    std::string set_identifier = fields.count("identifier") ? fields["identifier"] : "";
    // The zone file's own escapes (RFC 1035, decimal) to Route 53's (octal).
    auto route53 = [&](const std::string& text) -> std::optional<std::string> {
      auto wire = model::dname_from_text(text == "@" || text == "$self" ? origin_ : text, origin_);
      if (!wire) return std::nullopt;
      return model::route53_name_text(wire->data());
    };
    auto canonical = route53(a.owner);
    if (!canonical) {
      d_.error(path_, at, a.owner, "`" + a.owner + "` is not a domain name");
      return;
    }
    bool made = false;
    model::RecordSet& r = record_set(*canonical, a.type, set_identifier, at, made);
    if (!made) {
      d_.error(path_, at, r.id, "an alias and other values for the same name and type");
      return;
    }
    model::AliasTarget t;
    t.dns_name = route53(a.target).value_or(a.target);
    t.hosted_zone_id = a.zone_id == "$self" ? zone_ : a.zone_id;
    t.evaluate_target_health = a.evaluate_target_health;
    t.at = at;
    r.alias = t;
    routing(r, a.comment, at);
  }

  std::string text_;
  const std::string& path_;
  model::Network& n_;
  Diagnostics& d_;
  std::uint32_t file_;
  std::string origin_;
  std::string zone_;
  std::vector<AliasLine> aliases_;
  std::vector<Logical> logical_;
  std::map<std::tuple<std::string, std::string, std::string>, std::size_t> sets_;
};

}  // namespace

bool looks_like_zone_file(const std::string& path, std::string_view head) {
  std::string name = fs::path(path).filename().string();
  if (name.ends_with(".zone") || name.starts_with("db.") || name.ends_with(".db")) return true;
  std::size_t pos = 0;
  while (pos < head.size()) {
    std::size_t end = head.find('\n', pos);
    if (end == std::string_view::npos) end = head.size();
    auto t = tokens(head.substr(pos, end - pos));
    pos = end + 1;
    if (t.empty()) continue;
    if (t[0] == "$ORIGIN" || t[0] == "$TTL") return true;
    for (std::size_t i = 1; i < t.size() && i < 4; ++i) {
      if (t[i] == "SOA") return true;
    }
    return false;
  }
  return false;
}

bool read_zone_text(std::string_view text, const std::string& path, model::Network& network,
                    Diagnostics& diagnostics) {
  return ZoneFileReader(text, path, network, diagnostics).read();
}

bool read_zone_file(const std::string& path, model::Network& network, Diagnostics& diagnostics) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diagnostics.error(path, {network.add_file(path), 0, 0}, "", "cannot open the zone file");
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return read_zone_text(text.str(), path, network, diagnostics);
}

}  // namespace cloudtwin::load
