#include "cloudtwin/load/load.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <new>

#include "cloudtwin/load/aws_cli.h"
#include "cloudtwin/load/aws_managed_prefix_lists.h"
#include "cloudtwin/load/cloudfront_json.h"
#include "cloudtwin/load/cloudformation.h"
#include "cloudtwin/load/route53_json.h"
#include "cloudtwin/load/native_yaml.h"
#include "cloudtwin/load/terraform.h"
#include "cloudtwin/load/zone_file.h"

namespace cloudtwin::load {
namespace {

namespace fs = std::filesystem;

std::string lower_extension(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  });
  return ext;
}

bool is_network_file(const fs::directory_entry& entry) {
  const std::string name = entry.path().filename().string();
  const std::string ext = lower_extension(entry.path());
  std::error_code ec;
  // Hidden files are editor and tool leftovers, not part of the network.
  return (ext == ".yaml" || ext == ".yml" || ext == ".json" || ext == ".template" ||
          ext == ".zone") &&
         !name.starts_with(".") && entry.is_regular_file(ec);
}

// The start of a file, enough to recognise its format. Nothing from what is not a regular file:
// opening a FIFO blocks until someone writes to it.
std::string head_of(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return {};
  std::ifstream in(path, std::ios::binary);
  std::string buf(64 * 1024, '\0');
  in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
  buf.resize(static_cast<std::size_t>(in.gcount()));
  return buf;
}

bool has_key(const std::string& text, std::string_view key) {
  // A top-level key in YAML ("Key:" at column 1) or a key anywhere in JSON ("\"Key\"").
  std::string quoted = "\"" + std::string(key) + "\"";
  if (text.find(quoted) != std::string::npos) return true;
  std::string yaml_key = std::string(key) + ":";
  return text.starts_with(yaml_key) || text.find("\n" + yaml_key) != std::string::npos;
}

// Where a JSON text starts: after a UTF-8 byte order mark and whitespace. npos if empty.
std::size_t json_start(const std::string& text) {
  const std::size_t from = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  return text.find_first_not_of(" \t\r\n", from);
}

// The 1-based line and column of `offset` in `text`.
Location location_of(const std::string& text, std::size_t offset, std::uint32_t file) {
  Location at{file, 1, 1};
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++at.line;
      at.column = 1;
    } else {
      ++at.column;
    }
  }
  return at;
}

bool starts_hcl_block(std::string_view line) {
  for (std::string_view block : {"resource \"", "data \"", "provider \"", "module \"",
                                 "variable \"", "output \"", "terraform {", "locals {"}) {
    if (line.starts_with(block)) return true;
  }
  return false;
}

// Terraform configuration: the first line that is not blank or a comment opens an HCL block.
bool looks_like_hcl(std::string_view text) {
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(at, end - at);
    at = end + 1;
    const std::size_t start = line.find_first_not_of(" \t\r");
    if (start == std::string_view::npos) continue;
    line.remove_prefix(start);
    if (line.starts_with("#") || line.starts_with("//") || line.starts_with("/*")) continue;
    return starts_hcl_block(line);
  }
  return false;
}

// Whether the first bytes alternate NUL and non-NUL as ASCII text in UTF-16 does.
bool nul_interleaved(std::string_view head, bool nul_first) {
  const std::size_t n = std::min<std::size_t>(head.size() & ~std::size_t{1}, 16);
  if (n < 4) return false;
  for (std::size_t i = 0; i < n; i += 2) {
    const bool first_nul = head[i] == '\0';
    const bool second_nul = head[i + 1] == '\0';
    if (nul_first ? !(first_nul && !second_nul) : !(!first_nul && second_nul)) return false;
  }
  return true;
}

constexpr const char* kPlanToJson =
    "cloudtwin reads the JSON form of a plan: `terraform plan -out plan && terraform show -json "
    "plan > plan.json`, then give plan.json";

// A file that is none of the formats but a well-known mistake for one, and what to do instead.
std::optional<InputProblem> wrong_kind_of_file(const std::string& path, std::string_view head) {
  const std::string ext = lower_extension(path);
  const std::string utf8_hint =
      "cloudtwin reads UTF-8: convert it with `iconv -f UTF-16 -t UTF-8 " + path +
      " > converted.json`; PowerShell 5's `>` writes UTF-16, `| Out-File -Encoding utf8` does not";
  if (head.starts_with(std::string_view("\xFF\xFE\0\0", 4)) ||
      head.starts_with(std::string_view("\0\0\xFE\xFF", 4))) {
    return InputProblem{"is UTF-32 text",
                        "cloudtwin reads UTF-8: convert it with `iconv -f UTF-32 -t UTF-8 " +
                            path + " > converted.json`"};
  }
  if (head.starts_with("\xFF\xFE") || nul_interleaved(head, false)) {
    return InputProblem{"is UTF-16 text (little-endian)", utf8_hint};
  }
  if (head.starts_with("\xFE\xFF") || nul_interleaved(head, true)) {
    return InputProblem{"is UTF-16 text (big-endian)", utf8_hint};
  }
  if (head.starts_with("PK\x03\x04")) {
    // `terraform plan -out` writes a zip archive; nothing else cloudtwin is given is one.
    return InputProblem{"is a binary Terraform plan (a zip archive), not its JSON form",
                        "run `terraform show -json " + path + " > plan.json` and give plan.json"};
  }
  if (ext == ".tf" || ext == ".tfvars" || ext == ".hcl" || looks_like_hcl(head)) {
    return InputProblem{"is Terraform configuration (HCL), which cloudtwin does not read",
                        kPlanToJson};
  }
  if (ext == ".json" && fs::path(path).stem().extension() == ".tf") {
    return InputProblem{"is Terraform configuration in JSON syntax, which cloudtwin does not read",
                        kPlanToJson};
  }
  return std::nullopt;
}

// A --max-input-size value that admits `size`: the next whole number of GiB (or MiB below 1 GiB).
std::string size_text_for_option(std::uint64_t size) {
  constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;
  constexpr std::uint64_t kGiB = std::uint64_t{1} << 30;
  if (size < kGiB) return std::to_string(size / kMiB + 1) + "M";
  return std::to_string(size / kGiB + 1) + "G";
}

void read_file_as_detected(const std::string& path, const LoadOptions& options,
                           model::Network& out, Diagnostics& d);

void read_file(const std::string& path, const LoadOptions& options, model::Network& out,
               Diagnostics& d) {
  if (auto problem = input_file_problem(path, options.max_input_size)) {
    d.error(path, {out.add_file(path), 0, 0}, "", std::move(problem->message),
            std::move(problem->hint));
    return;
  }
  try {
    read_file_as_detected(path, options, out, d);
  } catch (const std::bad_alloc&) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    d.error(path, {out.add_file(path), 0, 0}, "",
            "out of memory reading the file" + (ec ? "" : " (" + size_text(size) + ")"),
            "the network needs more memory than this process may use; check `ulimit -v` or the "
            "container's memory limit");
  }
}

void read_file_as_detected(const std::string& path, const LoadOptions& options,
                           model::Network& out, Diagnostics& d) {
  // Before detection, which reads the bytes as UTF-8 text.
  if (auto problem = wrong_kind_of_file(path, head_of(path))) {
    d.error(path, {out.add_file(path), 0, 0}, "", std::move(problem->message),
            std::move(problem->hint));
    return;
  }
  switch (detect_format(path)) {
    case Format::kCloudFormation:
      read_cloudformation_file(path, options, out, d);
      return;
    case Format::kTerraform:
      read_terraform_file(path, out, d,
                          options.terraform_prior_state ? TerraformSide::kPriorState
                                                        : TerraformSide::kPlanned);
      return;
    case Format::kZoneFile:
      read_zone_file(path, out, d);
      return;
    case Format::kRoute53:
      read_route53_json_file(path, out, d);
      return;
    case Format::kCloudFront:
      read_cloudfront_json_file(path, out, d);
      return;
    case Format::kUnknown: {
      // A JSON file of none of the formats: the native reader would only report YAML errors.
      const std::string head = head_of(path);
      const std::size_t start = json_start(head);
      d.error(path, location_of(head, start == std::string::npos ? 0 : start, out.add_file(path)),
              "",
              "not a recognised network format: expected a CloudFormation template, `terraform "
              "show -json` output or a cloudtwin YAML network",
              "a template has `Resources`; Terraform's output has `format_version` and "
              "`values` or `planned_values`; an `aws ec2 describe-*` answer is read as part of a "
              "snapshot folder (aws_configs/<region>/)");
      return;
    }
    default:
      read_native_yaml_file(path, out, d);
      return;
  }
}

// The network files of a folder that is not a snapshot, in name order; none, with an error,
// when it has none.
std::vector<std::string> folder_files(const std::string& folder, model::Network& out,
                                      Diagnostics& d) {
  auto fail = [&](std::string message) {
    d.error(folder, {out.add_file(folder), 0, 0}, "", std::move(message));
    return std::vector<std::string>{};
  };
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (is_network_file(*it)) files.push_back(it->path());
  }
  if (ec) return fail("cannot list the folder: " + ec.message());
  if (files.empty()) {
    return fail(
        "the folder has no network files (.yaml, .yml, .json, .template, .zone) and is not an "
        "AWS CLI snapshot (aws_configs/ or accounts/)");
  }
  std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
    return a.filename().string() < b.filename().string();
  });
  std::vector<std::string> out_files;
  for (const auto& f : files) out_files.push_back(f.string());
  return out_files;
}

void read_folder(const std::string& folder, const LoadOptions& options, model::Network& out,
                 Diagnostics& d) {
  if (is_aws_cli_snapshot(folder)) {
    read_aws_cli_snapshot(folder, out, d, options.region);
    return;
  }
  for (const auto& f : folder_files(folder, out, d)) read_file(f, options, out, d);
}

// The inputs in reading order: files, the network files of folders (in name order), and
// snapshot folders whole.
std::vector<std::string> expand_inputs(const std::vector<std::string>& paths, model::Network& out,
                                       Diagnostics& d) {
  std::vector<std::string> inputs;
  for (const auto& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec) && !is_aws_cli_snapshot(path)) {
      for (auto& f : folder_files(path, out, d)) inputs.push_back(std::move(f));
    } else {
      inputs.push_back(path);
    }
  }
  return inputs;
}

}  // namespace

std::optional<InputProblem> input_file_problem(const std::string& path, std::uint64_t max_size) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec || status.type() == fs::file_type::directory) return std::nullopt;
  const char* what = nullptr;
  switch (status.type()) {
    case fs::file_type::regular: {
      const std::uint64_t size = fs::file_size(path, ec);
      if (ec || size <= max_size) return std::nullopt;
      return InputProblem{"is " + size_text(size) + " (" + std::to_string(size) +
                              " bytes), more than the input size limit of " +
                              size_text(max_size),
                          "if the file is meant to be this large, raise the limit with "
                          "--max-input-size, e.g. --max-input-size " +
                              size_text_for_option(size)};
    }
    case fs::file_type::fifo:
      what = "a FIFO";
      break;
    case fs::file_type::character:
      what = "a character device";
      break;
    case fs::file_type::block:
      what = "a block device";
      break;
    case fs::file_type::socket:
      what = "a socket";
      break;
    default:
      what = "of an unknown type";
      break;
  }
  // A pipe may never be written to or never end, and a device like /dev/zero never ends.
  return InputProblem{std::string("is not a regular file (") + what + ")",
                      "cloudtwin reads network files and folders; save the input to a file "
                      "first and give that file"};
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
  std::uint64_t value = 0;
  std::size_t i = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    if (value > (std::numeric_limits<std::uint64_t>::max() - 9) / 10) return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(text[i] - '0');
  }
  if (i == 0) return std::nullopt;
  std::string unit;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    unit += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  }
  if (unit.ends_with("IB")) {
    unit.resize(unit.size() - 2);
    if (unit.empty()) return std::nullopt;  // "5iB"
  } else if (unit.ends_with("B") && unit.size() > 1) {
    unit.pop_back();
  } else if (unit == "B") {
    unit.clear();
  }
  int shift = 0;
  if (unit == "K") {
    shift = 10;
  } else if (unit == "M") {
    shift = 20;
  } else if (unit == "G") {
    shift = 30;
  } else if (unit == "T") {
    shift = 40;
  } else if (!unit.empty()) {
    return std::nullopt;
  }
  constexpr std::uint64_t kMax = std::uint64_t{1} << 63;
  if (value == 0 || value > (kMax >> shift)) return std::nullopt;
  return value << shift;
}

std::string size_text(std::uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = static_cast<double>(bytes) / 1024;
  std::size_t unit = 0;
  while (value >= 1023.95 && unit + 1 < std::size(kUnits)) {  // that would round to 1024.0
    value /= 1024;
    ++unit;
  }
  // One decimal, without a trailing ".0": "1 GiB", "1.5 GiB".
  const double tenths = std::round(value * 10);
  std::string out = std::to_string(static_cast<std::uint64_t>(tenths) / 10);
  if (const auto fraction = static_cast<std::uint64_t>(tenths) % 10; fraction != 0) {
    out += "." + std::to_string(fraction);
  }
  return out + " " + kUnits[unit];
}

const char* format_name(Format f) {
  switch (f) {
    case Format::kNative:
      return "cloudtwin YAML";
    case Format::kCloudFormation:
      return "CloudFormation";
    case Format::kTerraform:
      return "Terraform JSON";
    case Format::kAwsCliSnapshot:
      return "AWS CLI snapshot";
    case Format::kZoneFile:
      return "zone file";
    case Format::kRoute53:
      return "Route 53 JSON";
    case Format::kCloudFront:
      return "CloudFront JSON";
    case Format::kUnknown:
      return "unknown";
  }
  return "unknown";
}

Format detect_format(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    return is_aws_cli_snapshot(path) ? Format::kAwsCliSnapshot : Format::kUnknown;
  }
  std::string head = head_of(path);
  if (has_key(head, "format_version") &&
      (has_key(head, "values") || has_key(head, "planned_values") ||
       has_key(head, "resource_changes") || has_key(head, "terraform_version"))) {
    return Format::kTerraform;
  }
  if (has_key(head, "AWSTemplateFormatVersion") || has_key(head, "Resources")) {
    return Format::kCloudFormation;
  }
  if (lower_extension(path) == ".json" && is_cloudfront_json(head)) return Format::kCloudFront;
  if (lower_extension(path) == ".json" && is_route53_json(head)) return Format::kRoute53;
  if (looks_like_zone_file(path, head)) return Format::kZoneFile;
  // A .json file holding a JSON array or object is none of the formats. Any other file is
  // native YAML (which may itself be written in flow style, `{vpcs: [...]}`).
  if (lower_extension(path) == ".json") {
    const std::size_t start = json_start(head);
    if (start != std::string::npos && (head[start] == '{' || head[start] == '[')) {
      return Format::kUnknown;
    }
  }
  return Format::kNative;
}

bool load_network(const std::vector<std::string>& paths, model::Network& out, Diagnostics& d,
                  const LoadOptions& options) {
  const std::size_t errors_before = d.error_count();
  if (!options.account.empty()) out.default_account = options.account;
  if (!options.region.empty()) out.default_region = options.region;
  // CloudFormation needs every template before reading any: parameter names and files, exports
  // for Fn::ImportValue, exporters read before importers.
  std::vector<std::string> inputs = expand_inputs(paths, out, d);
  LoadOptions effective = options;
  if (!prepare_cloudformation(inputs, effective, out, d)) return false;
  for (const auto& path : inputs) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      read_folder(path, effective, out, d);
    } else {
      read_file(path, effective, out, d);
    }
  }
  // Finalizing a network that failed to read would mostly repeat its errors as dangling
  // references; report what the files say first.
  if (d.error_count() != errors_before) return false;
  // Every format alike: the AWS-managed prefix lists the network uses but no input fills.
  if (!add_aws_managed_prefix_lists(out, d, options)) return false;
  model::finalize(out, d);
  return !d.has_errors();
}

}  // namespace cloudtwin::load
