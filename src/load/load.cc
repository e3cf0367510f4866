#include "cloudtwin/load/load.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "cloudtwin/load/aws_cli.h"
#include "cloudtwin/load/cloudformation.h"
#include "cloudtwin/load/native_yaml.h"
#include "cloudtwin/load/terraform.h"

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
  return (ext == ".yaml" || ext == ".yml" || ext == ".json" || ext == ".template") &&
         !name.starts_with(".") && entry.is_regular_file(ec);
}

// The start of a file, enough to recognise its format.
std::string head_of(const std::string& path) {
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

void read_file(const std::string& path, const LoadOptions& options, model::Network& out,
               Diagnostics& d) {
  switch (detect_format(path)) {
    case Format::kCloudFormation:
      read_cloudformation_file(path, options, out, d);
      return;
    case Format::kTerraform:
      read_terraform_file(path, out, d);
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

void read_folder(const std::string& folder, const LoadOptions& options, model::Network& out,
                 Diagnostics& d) {
  if (is_aws_cli_snapshot(folder)) {
    read_aws_cli_snapshot(folder, out, d);
    return;
  }
  auto fail = [&](std::string message) {
    d.error(folder, {out.add_file(folder), 0, 0}, "", std::move(message));
  };
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (is_network_file(*it)) files.push_back(it->path());
  }
  if (ec) return fail("cannot list the folder: " + ec.message());
  if (files.empty()) {
    return fail(
        "the folder has no network files (.yaml, .yml, .json, .template) and is not an "
        "AWS CLI snapshot (aws_configs/ or accounts/)");
  }
  std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
    return a.filename().string() < b.filename().string();
  });
  for (const auto& f : files) read_file(f.string(), options, out, d);
}

}  // namespace

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
  for (const auto& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      read_folder(path, options, out, d);
    } else {
      read_file(path, options, out, d);
    }
  }
  // Finalizing a network that failed to read would mostly repeat its errors as dangling
  // references; report what the files say first.
  if (d.error_count() != errors_before) return false;
  model::finalize(out, d);
  return !d.has_errors();
}

}  // namespace cloudtwin::load
