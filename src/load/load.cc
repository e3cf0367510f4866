#include "cloudtwin/load/load.h"

#include <algorithm>
#include <filesystem>

#include "cloudtwin/load/native_yaml.h"

namespace cloudtwin::load {
namespace {

namespace fs = std::filesystem;

bool is_yaml_file(const fs::directory_entry& entry) {
  const std::string name = entry.path().filename().string();
  std::string ext = entry.path().extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  });
  std::error_code ec;
  // Hidden files are editor and tool leftovers, not part of the network.
  return (ext == ".yaml" || ext == ".yml") && !name.starts_with(".") && entry.is_regular_file(ec);
}

// The network files of a folder, by name; not recursive.
void read_folder(const std::string& folder, model::Network& out, Diagnostics& d) {
  auto fail = [&](std::string message) {
    d.error(folder, {out.add_file(folder), 0, 0}, "", std::move(message));
  };
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (is_yaml_file(*it)) files.push_back(it->path());
  }
  if (ec) return fail("cannot list the folder: " + ec.message());
  if (files.empty()) return fail("the folder has no .yaml or .yml files");
  std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
    return a.filename().string() < b.filename().string();
  });
  for (const auto& f : files) read_native_yaml_file(f.string(), out, d);
}

}  // namespace

bool load_network(const std::vector<std::string>& paths, model::Network& out, Diagnostics& d) {
  const std::size_t errors_before = d.error_count();
  for (const auto& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      read_folder(path, out, d);
    } else {
      // TODO(formats): detect CloudFormation, Terraform JSON and AWS CLI snapshots by content;
      // everything is native YAML for now.
      read_native_yaml_file(path, out, d);
    }
  }
  // Finalizing a network that failed to read would mostly repeat its errors as dangling
  // references; report what the files say first.
  if (d.error_count() != errors_before) return false;
  model::finalize(out, d);
  return !d.has_errors();
}

}  // namespace cloudtwin::load
