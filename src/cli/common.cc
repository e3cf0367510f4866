#include <iostream>
#include <map>

#include "commands.h"

namespace cloudtwin::cli {

namespace {

// Splits Key=Value pairs; reports the first malformed one.
bool split_pairs(const std::vector<std::string>& pairs, const char* option,
                 std::map<std::string, std::string>& out) {
  for (const auto& p : pairs) {
    auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << "error: " << option << " `" << p << "` is not Key=Value\n";
      return false;
    }
    out[p.substr(0, eq)] = p.substr(eq + 1);
  }
  return true;
}

}  // namespace

int usage_error(const std::string& message, const std::string& hint) {
  std::cerr << "error: " << message << (hint.empty() ? "" : " (" + hint + ")") << "\n";
  return kExitBadInput;
}

std::optional<vpc::Query> make_query(const model::Network& network, const PacketOptions& o) {
  auto protocol = Protocol::parse(o.protocol);
  if (!protocol || protocol->is_all()) {
    usage_error("bad --protocol `" + o.protocol + "`", "tcp, udp, icmp, icmpv6 or 0-255");
    return std::nullopt;
  }
  auto valid_port = [](const std::optional<int>& p) { return !p || (*p >= 0 && *p <= 65535); };
  if (!valid_port(o.port) || !valid_port(o.source_port)) {
    usage_error("ports are 0-65535");
    return std::nullopt;
  }
  auto from = vpc::parse_endpoint(network, o.from);
  if (!from.endpoint) {
    usage_error("--from: " + from.error, from.hint);
    return std::nullopt;
  }
  auto to = vpc::parse_endpoint(network, o.to);
  if (!to.endpoint) {
    usage_error("--to: " + to.error, to.hint);
    return std::nullopt;
  }
  vpc::Query q;
  q.source = *from.endpoint;
  q.destination = *to.endpoint;
  q.protocol = *protocol;
  if (o.port) {
    q.destination_port = static_cast<std::uint16_t>(*o.port);
  } else if (protocol->is_icmp()) {
    // Echo request: ICMP type 8, ICMPv6 type 128.
    q.destination_port = protocol->number() == Protocol::kIcmp ? 8 : 128;
  }
  if (o.source_port) q.source_port = static_cast<std::uint16_t>(*o.source_port);
  return q;
}

void add_network_options(CLI::App& cmd, NetworkOptions& o) {
  cmd.add_option("NETWORK", o.paths,
                 "Network files or folders: cloudtwin YAML, CloudFormation, Terraform JSON, AWS "
                 "CLI snapshot (detected; several are merged)")
      ->required();
  cmd.add_option("--param", o.params, "CloudFormation parameter override Key=Value (repeatable)");
  cmd.add_option("--import", o.imports,
                 "CloudFormation Fn::ImportValue answer Name=Value (repeatable)");
  cmd.add_option("--region", o.region, "Region for inputs that do not say (default us-east-1)");
  cmd.add_option("--account", o.account, "Account id for inputs that do not say");
  cmd.add_option("--max-input-size", o.max_input_size,
                 "Refuse input files larger than this, e.g. 512M or 4G (default 1G)");
}

bool load_or_report(const NetworkOptions& options, model::Network& network,
                    Diagnostics& diagnostics, bool print_warnings) {
  load::LoadOptions lo;
  if (!split_pairs(options.params, "--param", lo.parameters)) return false;
  if (!split_pairs(options.imports, "--import", lo.imports)) return false;
  lo.region = options.region;
  lo.account = options.account;
  if (!options.max_input_size.empty()) {
    const auto limit = load::parse_size(options.max_input_size);
    if (!limit) {
      usage_error("bad --max-input-size `" + options.max_input_size + "`",
                  "a size in bytes, or with a suffix K, M, G or T, e.g. 512M or 4G");
      return false;
    }
    lo.max_input_size = *limit;
  }
  bool ok = load::load_network(options.paths, network, diagnostics, lo);
  diagnostics.sort();
  for (const auto& d : diagnostics.items()) {
    if (d.severity == Severity::kError || print_warnings) std::cerr << d.str() << "\n";
  }
  return ok && !diagnostics.has_errors();
}

}  // namespace cloudtwin::cli
