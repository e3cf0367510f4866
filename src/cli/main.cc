// cloudtwin: a twin of an AWS network on one machine. See DESIGN.md for the verbs.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <new>

#include "command_tree.h"
#include "commands.h"
#include "output_file.h"
#include "terminal.h"
#include "version.h"

namespace {

int run(int argc, char** argv) {
  using namespace cloudtwin::cli;
  CLI::App app{"cloudtwin - a twin of your AWS network on one machine"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "cloudtwin " + std::string(kVersion));
  add_global_options(app);  // --color; before the verbs, which inherit taking it after them
  Runner validate = add_validate_command(app);
  Runner trace = add_trace_command(app);
  Runner export_network = add_export_command(app);
  Runner diagram = add_diagram_command(app);
  Runner reach = add_reach_command(app);
  Runner exposure = add_exposure_command(app);
  Runner check = add_check_command(app);
  Runner diff = add_diff_command(app);
  Runner serve = add_serve_command(app);
  Runner dns = add_dns_command(app);
  Runner cdn = add_cdn_command(app);
  Runner routes = add_routes_command(app);
  Runner completion = add_completion_command(app);
  Runner man = add_man_command(app);
  // CLI11 reports a mistyped verb as "A subcommand is required"; say which word and the verbs.
  std::vector<std::string> names;
  for (const CLI::App* verb : app.get_subcommands([](CLI::App*) { return true; })) {
    names.push_back(verb->get_name());
  }
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  if (argc == 1) return usage_error("no verb", "verbs: " + list + "; cloudtwin --help for more");
  if (argv[1][0] != '-' && std::find(names.begin(), names.end(), argv[1]) == names.end()) {
    std::vector<std::string_view> views(names.begin(), names.end());
    std::string best = cloudtwin::closest_match(argv[1], views);
    return usage_error("unknown verb `" + std::string(argv[1]) + "`",
                       (best.empty() ? "" : "did you mean `" + best + "`? ") + "verbs: " + list +
                           "; cloudtwin VERB --help for one");
  }
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
  for (const CLI::App* verb : app.get_subcommands()) {
    if (int status = check_command_line(*verb); status != kExitOk) return status;
  }
  no_color_for_output_files(app);
  try {
    if (app.got_subcommand("validate")) return with_progress("validate", validate);
    if (app.got_subcommand("export")) return with_progress("export", export_network);
    if (app.got_subcommand("serve")) return serve();
    if (app.got_subcommand("dns")) return dns();
    if (app.got_subcommand("cdn")) return cdn();
    if (app.got_subcommand("routes")) return routes();
    if (app.got_subcommand("completion")) return completion();
    if (app.got_subcommand("man")) return man();
    // The analysis verbs close with what their answer could not see (validate lists it all).
    const std::pair<const char*, Runner*> analyses[] = {
        {"trace", &trace}, {"diagram", &diagram}, {"reach", &reach}, {"exposure", &exposure},
        {"check", &check}, {"diff", &diff}};
    for (const auto& [name, runner] : analyses) {
      if (!app.got_subcommand(name)) continue;
      int status = with_progress(name, *runner);
      std::cout.flush();
      print_gap_summary();
      return status;
    }
  } catch (const std::bad_alloc&) {
    // Readers report the file they were reading; this is the last resort for the rest.
    std::cerr << "error: out of memory (the input needs more memory than this process may use; "
                 "check `ulimit -v` or the container's memory limit)\n";
    return kExitBadInput;
  }
  return kExitBadInput;
}

}  // namespace

int main(int argc, char** argv) {
  // Every report goes through a buffer that checks its writes: an answer lost on a full disk or
  // /dev/full is an error (exit 2), not a silent success.
  cloudtwin::cli::StdoutBuffer out;
  std::streambuf* previous = std::cout.rdbuf(&out);
  int status = run(argc, argv);
  status = cloudtwin::cli::finish_stdout(out, status);
  std::cout.rdbuf(previous);
  return status;
}
