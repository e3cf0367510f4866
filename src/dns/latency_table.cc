#include "cloudtwin/dns/latency_table.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

namespace cloudtwin::dns {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

}  // namespace

bool LatencyTable::read(const std::string& path, Diagnostics& d) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    d.error(path, {}, "", "cannot read the latency table");
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str(), path, d);
}

bool LatencyTable::parse(const std::string& text, const std::string& path, Diagnostics& d) {
  const std::size_t errors = d.error_count();
  std::istringstream lines(text);
  std::string line;
  std::uint32_t number = 0;
  while (std::getline(lines, line)) {
    ++number;
    const auto hash = line.find('#');
    const std::string content = hash == std::string::npos ? line : line.substr(0, hash);
    if (trim(content).empty()) continue;
    // Three comma-separated fields; a column is where its field starts.
    std::vector<std::pair<std::string, std::uint32_t>> fields;
    std::size_t start = 0;
    while (true) {
      const auto comma = content.find(',', start);
      const std::string raw = content.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      const auto lead = raw.find_first_not_of(" \t");
      fields.emplace_back(trim(raw), static_cast<std::uint32_t>(start + (lead == std::string::npos ? 0 : lead) + 1));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    const auto error = [&](std::uint32_t column, const std::string& message, const std::string& hint = {}) {
      d.error(path, {0, number, column}, "", message, hint);
    };
    if (fields.size() != 3) {
      error(1, "expected `PREFIX, REGION, MILLISECONDS`, got " + std::to_string(fields.size()) + " field(s)",
            "e.g. 198.51.100.0/24, us-west-2, 12");
      continue;
    }
    auto prefix = Prefix::parse(fields[0].first);
    const auto written = IpAddress::parse(fields[0].first.substr(0, fields[0].first.find('/')));
    if (!prefix || !written || !(*written == prefix->address())) {
      error(fields[0].second, "`" + fields[0].first + "` is not a CIDR block (host bits zero)");
      continue;
    }
    if (find_region(fields[1].first) == nullptr) {
      error(fields[1].second, "`" + fields[1].first + "` is not an AWS Region", "e.g. us-east-1, eu-west-1");
      continue;
    }
    double ms = 0;
    try {
      std::size_t used = 0;
      ms = std::stod(fields[2].first, &used);
      if (used != fields[2].first.size() || !std::isfinite(ms) || ms < 0) throw std::invalid_argument("");
    } catch (const std::exception&) {
      error(fields[2].second, "`" + fields[2].first + "` is not a latency in milliseconds (a number, 0 or more)");
      continue;
    }
    rows_.push_back({cidr_block(*prefix), fields[1].first, ms});
  }
  std::stable_sort(rows_.begin(), rows_.end(),
                   [](const Row& a, const Row& b) { return a.block.prefix > b.block.prefix; });
  return d.error_count() == errors;
}

std::optional<std::uint8_t> LatencyTable::lookup(const ClientAddress& client, std::span<const Member> members,
                                                 double* out) const {
  const Row* match = nullptr;
  for (const auto& row : rows_) {
    // The client's own prefix must be at least as long as the block (as for IP-based routing).
    if (client.prefix >= row.block.prefix && block_contains(row.block, client)) {
      match = &row;
      break;
    }
  }
  if (match == nullptr) return std::nullopt;
  for (std::size_t i = 0; i < members.size(); ++i) out[i] = NAN;
  for (const auto& row : rows_) {
    if (row.block.prefix != match->block.prefix || row.block.v6 != match->block.v6 ||
        row.block.bytes != match->block.bytes)
      continue;
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (members[i].region == row.region) out[i] = row.ms;
    }
  }
  return match->block.prefix;
}

}  // namespace cloudtwin::dns
