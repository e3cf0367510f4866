#include "cloudtwin/dns/ask.h"

#include <algorithm>

#include "cloudtwin/model/record_data.h"

namespace cloudtwin::dns {
namespace {

// Rdata with its compressed names written out (RFC 1035 §4.1.4): what rdata_to_text reads.
std::vector<std::uint8_t> expanded(const std::uint8_t* m, std::size_t n, std::size_t at, std::uint16_t type,
                                   std::uint16_t length) {
  std::size_t fixed_before = 0, names = 0, fixed_after = 0;
  switch (type) {
    case kTypeCname: case kTypeNs: case 12 /* PTR */: case kTypeDname: names = 1; break;
    case kTypeMx: fixed_before = 2; names = 1; break;
    case kTypeSoa: names = 2; fixed_after = 20; break;
    default: return {m + at, m + at + length};
  }
  std::vector<std::uint8_t> out(m + at, m + at + fixed_before);
  std::size_t pos = at + fixed_before;
  for (std::size_t i = 0; i < names; ++i) {
    std::uint8_t name[255];
    std::size_t size = 0;
    pos = read_name(m, n, pos, name, &size);
    if (pos == 0) return {m + at, m + at + length};
    out.insert(out.end(), name, name + size);
  }
  if (pos + fixed_after > n) return {m + at, m + at + length};
  out.insert(out.end(), m + pos, m + pos + fixed_after);
  return out;
}

// The response's records (OPT left out).
std::vector<AskedRecord> decode(const std::uint8_t* m, std::size_t n) {
  std::vector<AskedRecord> out;
  std::size_t pos = kHeaderSize;
  std::uint8_t name[255];
  std::size_t size = 0;
  for (int i = 0; i < get16(m + 4); ++i) {
    pos = read_name(m, n, pos, name, &size);
    if (pos == 0) return out;
    pos += 4;
  }
  const char* sections[] = {"answer", "authority", "additional"};
  for (int s = 0; s < 3; ++s) {
    for (int i = 0; i < get16(m + 6 + 2 * s); ++i) {
      pos = read_name(m, n, pos, name, &size);
      if (pos == 0 || pos + 10 > n) return out;
      AskedRecord r;
      r.section = sections[s];
      r.owner = model::dname_to_text(name);
      r.type = get16(m + pos);
      const std::uint16_t length = get16(m + pos + 8);
      r.ttl = get32(m + pos + 4);
      if (pos + 10 + length > n) return out;
      if (r.type != kTypeOpt) {
        r.rdata = expanded(m, n, pos + 10, r.type, length);
        r.data = model::rdata_to_text(r.type, r.rdata.data(), r.rdata.size());
        out.push_back(std::move(r));
      }
      pos += 10 + length;
    }
  }
  return out;
}

}  // namespace

bool Asked::answered() const {
  return std::any_of(records.begin(), records.end(), [](const AskedRecord& r) { return r.section == "answer"; });
}

std::vector<IpAddress> Asked::addresses() const {
  std::vector<IpAddress> out;
  for (const auto& r : records) {
    if (r.section != "answer") continue;
    if (r.type == kTypeA && r.rdata.size() == 4) {
      out.push_back(IpAddress::v4((std::uint32_t{r.rdata[0]} << 24) | (std::uint32_t{r.rdata[1]} << 16) |
                                  (std::uint32_t{r.rdata[2]} << 8) | r.rdata[3]));
    } else if (r.type == kTypeAaaa && r.rdata.size() == 16) {
      U128 bits = 0;
      for (std::uint8_t b : r.rdata) bits = (bits << 8) | b;
      out.push_back(IpAddress::v6(bits));
    }
  }
  return out;
}

std::optional<Asked> ask(const ZoneStore& store, std::string_view name, std::uint16_t qtype,
                         const PolicyContext& policy) {
  std::string text(name);
  if (!text.ends_with('.')) text += '.';
  auto qname = model::dname_from_text(text, "");
  if (!qname) return std::nullopt;
  std::vector<std::uint8_t> query(kHeaderSize);
  put16(query.data(), 1);
  put16(query.data() + 4, 1);
  query.insert(query.end(), qname->begin(), qname->end());
  query.resize(query.size() + 4);
  put16(query.data() + query.size() - 4, qtype);
  put16(query.data() + query.size() - 2, kClassIn);
  Query q;
  const QueryStatus status = parse_query(query.data(), query.size(), q);
  std::vector<std::uint8_t> out(kMaxMessage);
  Asked asked;
  const std::size_t n = answer_query(store, q, status, Transport::kTcp, out.data(), out.size(), asked.info, policy);
  asked.rcode = asked.info.rcode;
  asked.zone = asked.info.zone;
  asked.records = decode(out.data(), n);
  return asked;
}

}  // namespace cloudtwin::dns
