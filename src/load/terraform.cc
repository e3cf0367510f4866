// Placeholder until the Terraform reader lands: a located error, never a silent misread.
#include "cloudtwin/load/terraform.h"

namespace cloudtwin::load {

bool read_terraform(std::string_view, const std::string& path, model::Network& network,
                    Diagnostics& d) {
  d.error(path, {network.add_file(path), 1, 1}, "", "Terraform JSON is not read yet");
  return false;
}

bool read_terraform_file(const std::string& path, model::Network& network, Diagnostics& d) {
  return read_terraform({}, path, network, d);
}

}  // namespace cloudtwin::load
