// CloudFormation templates (JSON or YAML with short-form tags): parameters, conditions,
// mappings and intrinsic functions evaluated offline into model resources.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/load/load.h"
#include "cloudtwin/model/network.h"

namespace cloudtwin::load {

bool read_cloudformation(std::string_view text, const std::string& path, const LoadOptions& options,
                         model::Network& network, Diagnostics& diagnostics);
bool read_cloudformation_file(const std::string& path, const LoadOptions& options,
                              model::Network& network, Diagnostics& diagnostics);

// What reading several templates together needs, done before any is read. `inputs` are the
// files and snapshot folders in reading order; the templates among them are found by content.
// - options.param_files (--param-file, the CloudFormation CLI's `[{"ParameterKey": K,
//   "ParameterValue": V}]`, or `{"Parameters": {K: V}}`, or `{K: V}`) add to
//   options.parameters; a --param given on the command line wins.
// - A parameter value given for a name no template declares is an error with a "did you mean".
// - Fn::ImportValue answers: each template's `Outputs.<X>.Export.Name` and value are added to
//   options.imports (ahead of --import), and the templates are reordered among themselves so
//   that each comes after the templates whose exports it imports (its references to their
//   resources then resolve as references to an input read before it).
// False, with located errors, when a parameter file or a parameter name is wrong.
bool prepare_cloudformation(std::vector<std::string>& inputs, LoadOptions& options,
                            model::Network& network, Diagnostics& diagnostics);

}  // namespace cloudtwin::load
