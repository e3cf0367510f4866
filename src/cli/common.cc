#include <sys/stat.h>

#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <regex>
#include <set>

#include "commands.h"

#include "admin_client.h"
#include "cloudtwin/load/learned_routes.h"
#include "cloudtwin/model/hybrid_routes.h"

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

// The value of option `name` of `verb` when it was given.
std::optional<std::string> given(const CLI::App& verb, const std::string& name) {
  const CLI::Option* opt = verb.get_option_no_throw(name);
  if (opt == nullptr || opt->count() == 0 || opt->results().empty()) return std::nullopt;
  return opt->results().back();
}

// A CIDR with host bits set names no network exactly: the user meant the network or the host.
bool check_cidr_argument(const char* option, const std::string& text) {
  if (text.find('/') == std::string::npos || text.find_first_of("0123456789:") != 0) return true;
  auto loose = Prefix::parse(text);
  if (!loose || Prefix::parse(text, /*strict=*/true)) return true;
  auto host = IpAddress::parse(std::string_view(text).substr(0, text.find('/')));
  usage_error(std::string(option) + " " + text + " has host bits set",
              "did you mean " + loose->str() + " or " + (host ? host->str() : "the address") + "?");
  return false;
}

// What the last load_or_report() found, for print_gap_summary() after the verb's answer.
Diagnostics& last_gaps() {
  static Diagnostics gaps;
  return gaps;
}

// Prints errors, and warnings when `warnings`. "ignored: TYPE" warnings of a type met more than
// once become one line, where the first of them was: a template of 40 IAM roles says so once.
void print_diagnostics(const Diagnostics& diagnostics, bool warnings) {
  std::map<std::string, std::vector<const Diagnostic*>> ignored;
  for (const auto& d : diagnostics.items()) {
    if (d.severity == Severity::kWarning && d.gap == Gap::kIgnoredType) ignored[d.gap_key].push_back(&d);
  }
  constexpr std::size_t kNamed = 3;
  for (const auto& d : diagnostics.items()) {
    if (d.severity == Severity::kWarning && !warnings) continue;
    if (d.severity != Severity::kWarning || d.gap != Gap::kIgnoredType) {
      std::cerr << d.str() << "\n";
      continue;
    }
    const auto& same = ignored[d.gap_key];
    if (same.size() == 1) {
      std::cerr << d.str() << "\n";
      continue;
    }
    if (same.front() != &d) continue;
    std::string names;
    for (std::size_t i = 0; i < same.size() && i < kNamed; ++i) {
      names += (i == 0 ? "" : ", ") + (same[i]->resource.empty() ? same[i]->file + ":" +
                                           std::to_string(same[i]->line) : same[i]->resource);
    }
    if (same.size() > kNamed) names += " and " + std::to_string(same.size() - kNamed) + " more";
    std::cerr << "warning: ignored: " << same.size() << " " << d.gap_key
              << " resources (cloudtwin does not model this type): " << names << "\n";
  }
}

}  // namespace

int check_command_line(const CLI::App& verb) {
  // AWS Region names: us-east-1, eu-central-2, us-gov-west-1, us-iso-east-1, us-isob-east-1.
  static const std::regex kRegion("[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]+");
  if (auto region = given(verb, "--region"); region && !std::regex_match(*region, kRegion)) {
    return usage_error("--region `" + *region + "` is not an AWS Region name",
                       "e.g. us-east-1, eu-west-2 or us-gov-west-1");
  }
  static const std::regex kAccount("[0-9]{12}");
  if (auto account = given(verb, "--account"); account && !std::regex_match(*account, kAccount)) {
    return usage_error("--account `" + *account + "` is not an AWS account id",
                       "12 digits, e.g. 123456789012");
  }
  for (const char* name : {"--port", "--source-port", "--icmp-type"}) {
    if (auto v = given(verb, name); v && v->empty()) {
      return usage_error(std::string(name) + " is empty", "give a number, or leave the option out");
    }
  }
  auto protocol_text = given(verb, "--protocol");
  auto protocol = protocol_text ? Protocol::parse(*protocol_text) : std::nullopt;
  bool icmp = protocol && protocol->is_icmp();
  if (icmp && given(verb, "--port")) {
    // ICMP messages have a type and a code, no ports (RFC 792, RFC 4443).
    return usage_error(
        "--port with --protocol " + *protocol_text + ": ICMP has no ports",
        verb.get_option_no_throw("--icmp-type") != nullptr
            ? "give the ICMP type with --icmp-type TYPE; the default is 8, echo request"
            : "this verb covers every ICMP type; `cloudtwin trace --icmp-type TYPE` follows one");
  }
  if (!icmp && given(verb, "--icmp-type")) {
    return usage_error("--icmp-type needs --protocol icmp or icmpv6",
                       "TCP and UDP take --port instead");
  }
  // Read only when a gateway endpoint needs it, so a wrong path is reported now.
  if (auto file = given(verb, "--ip-ranges")) {
    std::error_code ec;
    if (file->empty() || !std::filesystem::is_regular_file(*file, ec)) {
      return usage_error("--ip-ranges " + *file + ": " +
                             (std::filesystem::exists(*file, ec) ? "not a regular file"
                                                                 : "no such file"),
                         "give AWS's ip-ranges.json; download the newest from "
                         "https://ip-ranges.amazonaws.com/ip-ranges.json");
    }
  }
  for (const char* name : {"--from", "--to"}) {
    if (auto v = given(verb, name); v && !check_cidr_argument(name, *v)) return kExitBadInput;
  }
  return kExitOk;
}

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
  if (o.icmp_type && (*o.icmp_type < 0 || *o.icmp_type > 255)) {
    usage_error("--icmp-type " + std::to_string(*o.icmp_type) + ": ICMP types are 0-255",
                "e.g. 8 for echo request, 3 for destination unreachable");
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
  // A trace starts where a packet can be sent from; an address no interface holds sends nothing.
  if (from.endpoint->kind == vpc::EndpointKind::kAddress ||
      from.endpoint->kind == vpc::EndpointKind::kService) {
    usage_error("--from " + o.from + ": " +
                    (from.endpoint->kind == vpc::EndpointKind::kService
                         ? "the address of an AWS service reached through a gateway endpoint"
                         : "no network interface holds this address") +
                    ", so no packet starts there",
                "start at an instance, a network interface, internet[:ADDRESS] or an "
                "on-premises network");
    return std::nullopt;
  }
  vpc::Query q;
  if (!o.through.empty()) {
    auto through = vpc::parse_endpoint(network, o.through);
    if (!through.endpoint) {
      usage_error("--through: " + through.error, through.hint);
      return std::nullopt;
    }
    const bool front = through.endpoint->kind == vpc::EndpointKind::kNetworkInterface &&
                       (network.network_interfaces[through.endpoint->index].load_balancer != model::kNone ||
                        network.network_interfaces[through.endpoint->index].vpc_endpoint != model::kNone);
    if (!front) {
      usage_error("--through " + o.through + " is not a load balancer or an interface endpoint",
                  "name a load balancer, LOAD-BALANCER:PORT or an interface endpoint");
      return std::nullopt;
    }
    q.through = *through.endpoint;
    if (!o.port && through.endpoint->port) q.destination_port = *through.endpoint->port;
  }
  q.source = *from.endpoint;
  q.destination = *to.endpoint;
  q.protocol = *protocol;
  if (o.port) {
    q.destination_port = static_cast<std::uint16_t>(*o.port);
  } else if (to.endpoint->port) {
    q.destination_port = *to.endpoint->port;  // a listener named as LOAD-BALANCER:PORT
  } else if (o.icmp_type) {
    q.destination_port = static_cast<std::uint16_t>(*o.icmp_type);
  } else if (protocol->is_icmp()) {
    // Echo request: ICMP type 8, ICMPv6 type 128.
    q.destination_port = protocol->number() == Protocol::kIcmp ? 8 : 128;
  }
  if (o.source_port) q.source_port = static_cast<std::uint16_t>(*o.source_port);
  return q;
}

void add_packet_options(CLI::App& cmd, PacketOptions& o, const std::string& prefix) {
  cmd.add_option("--protocol", o.protocol, prefix + "tcp, udp, icmp, icmpv6 or a protocol number");
  cmd.add_option("--port", o.port, prefix + "destination port; default 443 (TCP and UDP only)");
  cmd.add_option("--icmp-type", o.icmp_type,
                 prefix + "ICMP or ICMPv6 type; default echo request (8, ICMPv6 128)");
  cmd.add_option("--source-port", o.source_port,
                 prefix + "source port; default: the source's first ephemeral port");
}

void add_network_options(CLI::App& cmd, NetworkOptions& o) {
  cmd.add_option("NETWORK", o.paths,
                 "Network files or folders: cloudtwin YAML, CloudFormation, Terraform JSON, AWS "
                 "CLI snapshot (detected; several are merged)")
      ->required();
  cmd.add_option("--param", o.params, "CloudFormation parameter override Key=Value (repeatable)");
  cmd.add_option("--param-file", o.param_files,
                 "CloudFormation parameters from a JSON file, as `aws cloudformation create-stack "
                 "--parameters file://` takes them (repeatable; --param wins)");
  cmd.add_option("--import", o.imports,
                 "CloudFormation Fn::ImportValue answer Name=Value (repeatable)");
  cmd.add_option("--region", o.region, "Region for inputs that do not say (default us-east-1)");
  cmd.add_option("--account", o.account, "Account id for inputs that do not say");
  cmd.add_flag("-q,--quiet", o.quiet, "No warnings (errors and the closing note still print)");
  cmd.add_flag("--strict", o.strict,
               "Make any part of the network the model leaves out or cannot know an error");
  cmd.add_option("--max-input-size", o.max_input_size,
                 "Refuse input files larger than this, e.g. 512M or 4G (default 1G)");
  cmd.add_option("--ip-ranges", o.ip_ranges,
                 "AWS's ip-ranges.json for the AWS-managed prefix lists of gateway endpoints "
                 "(S3, DynamoDB); default $CLOUDTWIN_IP_RANGES, else the copy found at build "
                 "time; newest at https://ip-ranges.amazonaws.com/ip-ranges.json");
}

bool load_or_report(const NetworkOptions& options, model::Network& network,
                    Diagnostics& diagnostics, bool print_warnings) {
  load::LoadOptions lo;
  if (!split_pairs(options.params, "--param", lo.parameters)) return false;
  if (!split_pairs(options.imports, "--import", lo.imports)) return false;
  lo.param_files = options.param_files;
  lo.region = options.region;
  lo.account = options.account;
  lo.ip_ranges = options.ip_ranges;
  lo.terraform_prior_state = options.terraform_prior_state;
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
  std::size_t strict_errors = 0;
  if (options.strict) {
    Diagnostics strict;
    for (auto d : diagnostics.items()) {
      if (d.severity == Severity::kWarning && d.gap != Gap::kNone) {
        d.severity = Severity::kError;
        ++strict_errors;
      }
      strict.add(std::move(d));
    }
    diagnostics = std::move(strict);
  }
  last_gaps() = diagnostics;
  print_diagnostics(diagnostics, print_warnings && !options.quiet);
  if (strict_errors > 0) {
    usage_error(std::to_string(strict_errors) + " part" + (strict_errors == 1 ? "" : "s") +
                    " of the network that the model leaves out or cannot know, errors because "
                    "--strict is on",
                "see them above; without --strict they are warnings and answers that meet them "
                "are inconclusive");
  }
  return ok && !diagnostics.has_errors();
}

void add_learned_routes_options(CLI::App& cmd, LearnedRoutesOptions& o) {
  cmd.add_option("--routes", o.file,
                 "Routes AWS learned over BGP, as `cloudtwin routes --json` saved them: gateways choose among "
                 "them as AWS does (Direct Connect over VPN, local preference, AS path, MED) and the path names "
                 "the virtual interface or VPN tunnel")
      ->type_name("FILE");
  cmd.add_option("--bgp-admin", o.bgp_admin,
                 "The same, read from a running `serve bgp --admin ADDR:PORT`");
}

bool attach_learned_routes_or_report(const LearnedRoutesOptions& o, model::Network& network) {
  if (!o.file.empty() && !o.bgp_admin.empty()) {
    usage_error("--routes and --bgp-admin both give learned routes", "give one of them");
    return false;
  }
  Diagnostics diagnostics;
  bool ok = true;
  if (!o.file.empty()) {
    ok = load::load_learned_routes(o.file, network, diagnostics);
  } else if (!o.bgp_admin.empty()) {
    std::string error;
    auto r = admin_call(o.bgp_admin, "GET", "/routes", "", error);
    if (!r || r->status != 200) {
      usage_error("--bgp-admin " + o.bgp_admin + ": " +
                      (r ? "the speaker answered " + std::to_string(r->status) : error),
                  "give the --admin ADDR:PORT of a running `cloudtwin serve bgp`");
      return false;
    }
    const std::string name = "http://" + o.bgp_admin + "/routes";
    auto routes = load::read_learned_routes(r->body, name, network, diagnostics, network.add_file(name));
    ok = routes.has_value();
    if (ok) model::attach_learned_routes(network, std::move(*routes));
  } else {
    return true;
  }
  diagnostics.sort();
  print_diagnostics(diagnostics, true);
  return ok && !diagnostics.has_errors();
}

void print_gap_summary() {
  if (last_gaps().has_errors()) return;  // no answer was given
  std::size_t count[6] = {};
  std::set<std::string> ignored_types;
  for (const auto& d : last_gaps().items()) {
    if (d.severity != Severity::kWarning || d.gap == Gap::kNone) continue;
    ++count[static_cast<int>(d.gap)];
    if (d.gap == Gap::kIgnoredType) ignored_types.insert(d.gap_key);
  }
  auto plural = [](std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  std::vector<std::string> parts;
  if (auto n = count[static_cast<int>(Gap::kLeftOut)])
    parts.push_back(plural(n, "resource left out", "resources left out"));
  if (!ignored_types.empty())
    parts.push_back(plural(ignored_types.size(), "resource type ignored", "resource types ignored"));
  if (auto n = count[static_cast<int>(Gap::kUnmodelledTarget)])
    parts.push_back(plural(n, "route target not modelled", "route targets not modelled"));
  if (auto n = count[static_cast<int>(Gap::kUnknownValue)])
    parts.push_back(plural(n, "value unknown offline", "values unknown offline"));
  if (auto n = count[static_cast<int>(Gap::kStandIn)])
    parts.push_back(plural(n, "parameter given a stand-in", "parameters given stand-ins"));
  if (parts.empty()) return;
  std::string line = "note: ";
  for (std::size_t i = 0; i < parts.size(); ++i) line += (i == 0 ? "" : ", ") + parts[i];
  std::cerr << line << ": see `cloudtwin validate`\n";
}

void server_log(std::string_view verb, const std::string& text) {
  std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  std::cerr << stamp << " cloudtwin " << verb << ": " << text << std::endl;
}

InputSignature InputSignature::of(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  InputSignature out;
  auto add = [&](const fs::path& p) {
    struct stat st {};
    if (stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      out.files[p.string()] = {static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
                               static_cast<std::uintmax_t>(st.st_size)};
    }
  };
  for (const auto& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) add(it->path());
    } else {
      add(path);
    }
  }
  return out;
}

}  // namespace cloudtwin::cli
