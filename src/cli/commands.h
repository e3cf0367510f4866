// The verbs of the `cloudtwin` executable. Each registers its options on the app and returns
// the exit status: 0 success/reachable, 1 a negative answer, 2 bad input or usage.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/dns/geoip.h"
#include "cloudtwin/dns/latency_table.h"
#include "cloudtwin/load/load.h"
#include "cloudtwin/model/network.h"
#include "cloudtwin/vpc/trace.h"

namespace cloudtwin::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitNegative = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitInconclusive = 3;  // the answer depends on what cloudtwin cannot know

using Runner = std::function<int()>;

Runner add_validate_command(CLI::App& app);
Runner add_trace_command(CLI::App& app);
Runner add_export_command(CLI::App& app);
Runner add_diagram_command(CLI::App& app);
Runner add_reach_command(CLI::App& app);
Runner add_exposure_command(CLI::App& app);
Runner add_check_command(CLI::App& app);
Runner add_serve_command(CLI::App& app);
Runner add_dns_command(CLI::App& app);
Runner add_cdn_command(CLI::App& app);
// `serve cdn` (serve_cdn_command.cc), a subcommand of `serve`.
Runner add_serve_cdn(CLI::App& serve_cmd);
// `serve bgp` (serve_bgp_command.cc), a subcommand of `serve`.
Runner add_serve_bgp(CLI::App& serve_cmd);
// `routes` (routes_command.cc): a running `serve bgp`'s sessions and learned routes.
Runner add_routes_command(CLI::App& app);
// `diff` (diff_command.cc): what a change opens and closes, between two networks or a plan's
// before and after.
Runner add_diff_command(CLI::App& app);

// --health ID=healthy|unhealthy, repeatable, into `out`; false after printing a usage error.
bool parse_health_overrides(const std::vector<std::string>& flags, std::map<std::string, bool>& out);

// Where a DNS query comes from inside the network: a VPC, or an instance, subnet or network
// interface (its VPC, and the address its queries leave from). nullopt after printing a usage
// error that names what the network has.
struct DnsSource {
  std::string vpc;  // the VPC's id
  std::optional<IpAddress> address;
  bool dns_support = true;  // the VPC's enableDnsSupport: false, its Amazon resolver is off
};
std::optional<DnsSource> dns_source(const model::Network& network, const std::string& text);
// The same without the error: nullopt when `text` is none of those (the internet, an address).
std::optional<DnsSource> find_dns_source(const model::Network& network, const std::string& text);


// The options every verb that reads a network shares: NETWORK..., --param, --import,
// --region, --account, --max-input-size, --ip-ranges.
struct NetworkOptions {
  std::vector<std::string> paths;
  std::vector<std::string> params;   // Key=Value
  std::vector<std::string> param_files;  // --param-file
  std::vector<std::string> imports;  // Name=Value
  std::string region;
  std::string account;
  std::string max_input_size;  // "" for load::kDefaultMaxInputSize
  std::string ip_ranges;       // AWS's ip-ranges.json; "" for the default
  bool quiet = false;   // -q: no warnings (errors and the closing summary still print)
  bool strict = false;  // --strict: what the model leaves out (Diagnostic::gap) is an error
  bool terraform_prior_state = false;  // a Terraform plan's network before it (`diff plan.json`)
};
void add_network_options(CLI::App& cmd, NetworkOptions& o);

// The packet of `trace` and of `diagram --from/--to`.
struct PacketOptions {
  std::string from;
  std::string to;
  std::string protocol = "tcp";
  std::optional<int> port;
  std::optional<int> source_port;
  std::optional<int> icmp_type;  // ICMP and ICMPv6 only; they have no ports
  std::string through;           // trace: a load balancer the packet is addressed to
};
// Registers --protocol, --port, --source-port and --icmp-type for `o`.
void add_packet_options(CLI::App& cmd, PacketOptions& o, const std::string& prefix);

// The query the options describe, or nullopt after printing a usage error with a hint.
std::optional<vpc::Query> make_query(const model::Network& network, const PacketOptions& o);

// Checks the options every verb shares by name, as given on the command line (--region,
// --account, --port, --protocol with --port, CIDRs in --from/--to): kExitOk, or kExitBadInput
// after printing a usage error.
int check_command_line(const CLI::App& verb);

// The closing line of an analysis verb on stderr: what the last load_or_report() found the model
// leaves out, by kind ("note: 3 resources left out, 2 resource types ignored: see `cloudtwin
// validate`"). Nothing when it left nothing out.
void print_gap_summary();

// The servers' log line on stderr: "2026-12-05T10:00:00Z cloudtwin VERB: TEXT".
void server_log(std::string_view verb, const std::string& text);

// Every input file's modification time and size (folders walked): a server reloads when this
// changes.
struct InputSignature {
  std::map<std::string, std::pair<std::int64_t, std::uintmax_t>> files;
  static InputSignature of(const std::vector<std::string>& paths);
  friend bool operator==(const InputSignature&, const InputSignature&) = default;
};

// `--routes FILE` and `--bgp-admin ADDR:PORT` (trace, reach): the routes AWS learned over BGP,
// from a saved `routes --json` or a running `serve bgp`; the virtual private gateways and transit
// gateways then choose among them (model/hybrid_routes.h) instead of taking the on-premises
// networks' CIDRs as what the routers announce.
struct LearnedRoutesOptions {
  std::string file;
  std::string bgp_admin;
};
void add_learned_routes_options(CLI::App& cmd, LearnedRoutesOptions& o);
// Reads and attaches them to the loaded network; false after printing every problem. True and
// nothing done when neither option was given.
bool attach_learned_routes_or_report(const LearnedRoutesOptions& o, model::Network& network);

// Prints "error: MESSAGE (HINT)" and returns kExitBadInput.
int usage_error(const std::string& message, const std::string& hint = {});

// Loads and validates the networks; prints every error, and the warnings when `print_warnings`
// and not --quiet (repeated "ignored: TYPE" warnings as one line per type). With --strict, a
// warning that the model leaves something out is an error. False on any error. Remembers the
// gaps for print_gap_summary().
bool load_or_report(const NetworkOptions& options, model::Network& network,
                    Diagnostics& diagnostics, bool print_warnings);

// --geoip FILE and --latency-table FILE of `serve dns` and `dns answer`, opened once; open()
// prints what is wrong and returns false.
class PolicyData {
 public:
  [[nodiscard]] bool open(const std::string& geoip, const std::string& latency_table);
  [[nodiscard]] const dns::GeoDatabase* geo() const { return geo_open_ ? &geo_ : nullptr; }
  [[nodiscard]] const dns::LatencyTable* latency() const { return latency_open_ ? &latency_ : nullptr; }

 private:
  dns::GeoDatabase geo_;
  dns::LatencyTable latency_;
  bool geo_open_ = false, latency_open_ = false;
};

// `--to NAME` (trace, reach): how the name resolved for the source (dns_resolve.cc).
struct DnsHop {
  std::string name;                    // with the trailing dot
  std::string vpc;                     // whose Amazon resolver answered; empty: public DNS
  std::optional<IpAddress> resolver;   // that resolver's address (the VPC's base + 2)
  std::string zone;                    // the hosted zone that answered
  bool private_zone = false;
  std::vector<std::string> records;    // the answer, in presentation form
  std::vector<std::string> record_sets;  // the record sets behind it
  std::string reason;                  // the routing policy's, when one chose
  std::vector<IpAddress> addresses;
  std::string failure;                 // why there is no address (then nothing is traced)
  bool unknown = false;                // no zone of the network holds the name: not known offline
};
// When `o.to` is a domain name rather than a resource or address: resolves it as the source of
// `o.from` would and, when it has an address, puts the first one in `o.to`. nullopt: not a name.
std::optional<DnsHop> resolve_destination(const model::Network& network, PacketOptions& o);
std::string render_dns_hop_text(const DnsHop& hop, const std::string& from);
// A name without an address: the hop and the verdict line; exit 1 (it does not resolve) or 3
// (not a name of the network's zones: not known offline).
std::string render_dns_failure_text(const DnsHop& hop, const std::string& from, const std::string& to);
int dns_failure_exit(const DnsHop& hop);
nlohmann::ordered_json render_dns_hop_json(const DnsHop& hop);

}  // namespace cloudtwin::cli
