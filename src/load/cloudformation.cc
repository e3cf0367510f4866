// Placeholder until the CloudFormation reader lands: a located error, never a silent misread.
#include "cloudtwin/load/cloudformation.h"

namespace cloudtwin::load {

bool read_cloudformation(std::string_view, const std::string& path, const LoadOptions&,
                         model::Network& network, Diagnostics& d) {
  d.error(path, {network.add_file(path), 1, 1}, "", "CloudFormation templates are not read yet");
  return false;
}

bool read_cloudformation_file(const std::string& path, const LoadOptions& options,
                              model::Network& network, Diagnostics& d) {
  return read_cloudformation({}, path, options, network, d);
}

}  // namespace cloudtwin::load
