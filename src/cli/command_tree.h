// The command line as data: every verb, its options and what their values are, read from the
// CLI11 app that main.cc builds. The completion scripts and the man page are written from this,
// so a new verb or option appears in them without being listed anywhere else.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "commands.h"

namespace cloudtwin::cli {

enum class ValueKind {
  kNone,    // a flag
  kText,    // any value: nothing to complete
  kFile,    // a file or folder
  kChoice,  // one of `choices` (a CLI::IsMember check)
};

struct OptionInfo {
  std::vector<std::string> names;  // "-o", "--output"; empty for a positional
  std::string positional;          // a positional's name, e.g. NETWORK
  ValueKind value = ValueKind::kNone;
  std::vector<std::string> choices;
  std::string value_name;  // TEXT, INT, FILE, WHEN … as CLI11's help names it
  std::string description;
  bool required = false;
  bool repeatable = false;  // given several times, or several values
};

struct CommandInfo {
  std::string name;               // "dns"; the program's for the root
  std::vector<std::string> path;  // {"serve", "dns"}; empty for the root
  std::string description;
  std::vector<OptionInfo> options;  // in definition order, positionals included
  std::vector<CommandInfo> verbs;
  bool needs_verb = false;  // one of `verbs` must follow

  [[nodiscard]] std::string path_text() const;  // "serve dns"; "" for the root
};

// The visible verbs and options of `app` and of every verb under it (hidden ones, of an empty
// group, are left out).
[[nodiscard]] CommandInfo describe_command_line(const CLI::App& app);

// The root's options that every verb takes as well (CLI11's fallthrough), --help and --version
// aside: e.g. --color.
[[nodiscard]] std::vector<OptionInfo> global_options(const CommandInfo& root);

// Every command in the tree, the root first, each before its verbs.
[[nodiscard]] std::vector<const CommandInfo*> all_commands(const CommandInfo& root);

// The description up to its first clause (";", " (", ": "), for the one-line descriptions of
// completion menus.
[[nodiscard]] std::string short_description(const std::string& description);

// The two verbs written from this (completion_command.cc, man_command.cc), and what they print.
Runner add_completion_command(CLI::App& app);  // `completion bash|zsh|fish`
Runner add_man_command(CLI::App& app);         // `man`: cloudtwin(1) in roff
[[nodiscard]] std::string completion_script(const CLI::App& app, const std::string& shell);
[[nodiscard]] std::string man_page(const CLI::App& app);

}  // namespace cloudtwin::cli
