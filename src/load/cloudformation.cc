// The CloudFormation reader's entry points: parse the template (YAML or JSON, short-form tags
// kept), read its sections into a Stack, then map its resources onto the network.
#include "cloudtwin/load/cloudformation.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <new>

#include "cloudformation_mapper.h"
#include "cloudformation_stack.h"
#include "yaml_document.h"

namespace cloudtwin::load {

bool read_cloudformation(std::string_view text, const std::string& path, const LoadOptions& options,
                         model::Network& network, Diagnostics& d) {
  const std::size_t errors_before = d.error_count();
  try {
    cfn::Stack stack(network, d, path, options);
    const yaml::Document doc = yaml::Document::parse(text);
    if (const auto& e = doc.error()) {
      // Nothing of a template that does not parse is read.
      stack.error({stack.file(), e->at.line, e->at.column}, "",
                  "template syntax error: " + e->message, e->hint);
      return false;
    }
    const yaml::Node* root = nullptr;
    for (const yaml::Node* r : doc.roots()) {
      if (r->is_null()) continue;
      if (root) {
        stack.error(stack.at(*r), "", "a template is one YAML document; this is a second one",
                    "split the stacks into files of their own");
        return false;
      }
      root = r;
    }
    if (!root) {
      stack.error(stack.at_start(), "", "the template is empty",
                  "a CloudFormation template declares its resources under `Resources:`");
      return false;
    }
    if (!stack.read(*root)) return false;
    cfn::Mapper(stack).run();
  } catch (const std::bad_alloc&) {
    d.error(path, {network.add_file(path), 0, 0}, "", "cannot read the template: out of memory");
  }
  return d.error_count() == errors_before;
}

bool read_cloudformation_file(const std::string& path, const LoadOptions& options,
                              model::Network& network, Diagnostics& d) {
  auto fail = [&](std::string message) {
    d.error(path, {network.add_file(path), 0, 0}, "", std::move(message));
    return false;
  };
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return fail("is a folder, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(std::string("cannot open: ") + std::strerror(errno));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return fail(std::string("cannot read: ") + std::strerror(errno));
  return read_cloudformation(text, path, options, network, d);
}

}  // namespace cloudtwin::load
