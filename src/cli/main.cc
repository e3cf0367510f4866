// cloudtwin: a twin of an AWS network on one machine. See DESIGN.md for the verbs.
#include <CLI/CLI.hpp>
#include <iostream>
#include <new>

#include "commands.h"

int main(int argc, char** argv) {
  using namespace cloudtwin::cli;
  CLI::App app{"cloudtwin - a twin of your AWS network on one machine"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "cloudtwin 0.1.0");
  Runner validate = add_validate_command(app);
  Runner trace = add_trace_command(app);
  Runner export_network = add_export_command(app);
  Runner diagram = add_diagram_command(app);
  Runner reach = add_reach_command(app);
  Runner exposure = add_exposure_command(app);
  Runner check = add_check_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitBadInput;
  }
  try {
    if (app.got_subcommand("validate")) return validate();
    if (app.got_subcommand("trace")) return trace();
    if (app.got_subcommand("export")) return export_network();
    if (app.got_subcommand("diagram")) return diagram();
    if (app.got_subcommand("reach")) return reach();
    if (app.got_subcommand("exposure")) return exposure();
    if (app.got_subcommand("check")) return check();
  } catch (const std::bad_alloc&) {
    // Readers report the file they were reading; this is the last resort for the rest.
    std::cerr << "error: out of memory (the input needs more memory than this process may use; "
                 "check `ulimit -v` or the container's memory limit)\n";
    return kExitBadInput;
  }
  return kExitBadInput;
}
