// Helpers shared by the load tests: read YAML text into a fresh network and print diagnostics.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "cloudtwin/load/native_yaml.h"

namespace cloudtwin::load::testing {

struct ReadResult {
  model::Network network;
  Diagnostics diagnostics;
  bool ok = false;
};

inline ReadResult read(std::string_view yaml, const std::string& path = "net.yaml") {
  ReadResult r;
  r.ok = read_native_yaml(yaml, path, r.network, r.diagnostics);
  return r;
}

inline std::string dump(const Diagnostics& d) {
  std::string s;
  for (const auto& item : d.items()) s += "  " + item.str() + "\n";
  return s.empty() ? "  (no diagnostics)\n" : s;
}

// The first ```<lang> block of docs/format.md after the text `marker`; "" if there is none.
inline std::string format_doc_block(std::string_view marker, std::string_view lang) {
  std::ifstream in(std::string(CLOUDTWIN_SOURCE_DIR) + "/docs/format.md");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string doc = ss.str();
  const auto at = doc.find(marker);
  if (at == std::string::npos) return "";
  const std::string fence = "```" + std::string(lang) + "\n";
  const auto begin = doc.find(fence, at);
  if (begin == std::string::npos) return "";
  const auto body = begin + fence.size();
  const auto end = doc.find("\n```", body);
  if (end == std::string::npos) return "";
  return doc.substr(body, end - body + 1);
}

// The complete example network of docs/format.md.
inline std::string format_doc_example() { return format_doc_block("<!-- example network", "yaml"); }

}  // namespace cloudtwin::load::testing
