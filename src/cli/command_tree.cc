#include "command_tree.h"

#include <cctype>
#include <regex>

namespace cloudtwin::cli {

namespace {

std::vector<std::string> split(const std::string& text, char by) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    auto end = text.find(by, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

// A value names a file when the option says so: CLI11's FILE, PATH and DIR (its ExistingFile,
// ExistingPath and ExistingDirectory checks, or `->type_name("FILE")`: the way to mark a new
// option), or a description that speaks of a file, a folder or a file type. The description
// rule errs towards files: offering files for a value that is not one costs less than not
// offering them for one that is.
bool names_file(const std::string& value_name, const std::vector<std::string>& checks,
                const std::string& description) {
  static const std::regex kFileWords(
      R"(\bFILE\b|\bfiles?\b|\bfolders?\b|\bdirector(y|ies)\b|\b(JSON|YAML)\b|\.(json|ya?ml|mmdb|csv)\b)");
  for (const auto& name : checks) {
    if (name == "FILE" || name == "PATH" || name == "DIR") return true;
  }
  return value_name == "FILE" || value_name == "PATH" || value_name == "DIR" ||
         std::regex_search(description, kFileWords);
}

OptionInfo describe_option(const CLI::Option& opt) {
  OptionInfo info;
  for (const auto& s : opt.get_snames()) info.names.push_back("-" + s);
  for (const auto& l : opt.get_lnames()) info.names.push_back("--" + l);
  if (info.names.empty()) info.positional = opt.get_name(true);
  info.description = opt.get_description();
  info.required = opt.get_required();
  info.repeatable = opt.get_expected_max() > 1;
  if (opt.get_expected_max() == 0) return info;  // a flag: no value
  // CLI11 names the value and its checks in one string: "TEXT:{text,json}", "INT:INT in [0 - 9]".
  auto parts = split(opt.get_type_name(), ':');
  info.value_name = parts.front().empty() ? "TEXT" : parts.front();
  std::vector<std::string> checks(parts.begin() + 1, parts.end());
  info.value = ValueKind::kText;
  for (const auto& check : checks) {
    if (check.size() >= 2 && check.front() == '{' && check.back() == '}') {
      info.choices = split(check.substr(1, check.size() - 2), ',');
      info.value = ValueKind::kChoice;
    }
  }
  if (info.value == ValueKind::kText &&
      (!info.positional.empty() || names_file(info.value_name, checks, info.description))) {
    // The positionals of the verbs are their NETWORK files and folders. value_name stays as
    // --help says it: the description rule is a guess.
    info.value = ValueKind::kFile;
  }
  return info;
}

CommandInfo describe(const CLI::App& app, std::vector<std::string> path) {
  CommandInfo info;
  info.name = app.get_name();
  info.path = path;
  info.description = app.get_description();
  info.needs_verb = app.get_require_subcommand_min() > 0;
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->get_group().empty()) continue;  // hidden
    info.options.push_back(describe_option(*opt));
  }
  for (const CLI::App* verb : app.get_subcommands([](const CLI::App* a) {
         return !a->get_name().empty() && !a->get_group().empty();
       })) {
    auto sub_path = path;
    sub_path.push_back(verb->get_name());
    info.verbs.push_back(describe(*verb, sub_path));
  }
  return info;
}

void collect(const CommandInfo& c, std::vector<const CommandInfo*>& out) {
  out.push_back(&c);
  for (const auto& v : c.verbs) collect(v, out);
}

}  // namespace

std::string CommandInfo::path_text() const {
  std::string text;
  for (const auto& p : path) text += (text.empty() ? "" : " ") + p;
  return text;
}

CommandInfo describe_command_line(const CLI::App& app) {
  CommandInfo root = describe(app, {});
  root.name = "cloudtwin";  // CLI11 names the program after argv[0] once it has parsed
  return root;
}

std::vector<OptionInfo> global_options(const CommandInfo& root) {
  std::vector<OptionInfo> globals;
  for (const auto& o : root.options) {
    bool help_or_version = false;
    for (const auto& n : o.names) help_or_version |= n == "--help" || n == "--version";
    if (!help_or_version && o.positional.empty()) globals.push_back(o);
  }
  return globals;
}

std::vector<const CommandInfo*> all_commands(const CommandInfo& root) {
  std::vector<const CommandInfo*> out;
  collect(root, out);
  return out;
}

std::string short_description(const std::string& description) {
  std::size_t cut = std::string::npos;
  for (const char* mark : {"; ", " (", ": "}) {
    auto at = description.find(mark);
    if (at != std::string::npos && at >= 12) cut = std::min(cut, at);
  }
  // A sentence ends at ". " before a capital, not in "e.g. 512M".
  for (auto at = description.find(". "); at != std::string::npos; at = description.find(". ", at + 1)) {
    if (at + 2 < description.size() && std::isupper(static_cast<unsigned char>(description[at + 2]))) {
      cut = std::min(cut, at);
      break;
    }
  }
  std::string text = description.substr(0, cut);
  constexpr std::size_t kMax = 80;
  if (text.size() > kMax) {
    auto space = text.rfind(' ', kMax - 3);
    text = text.substr(0, space == std::string::npos ? kMax - 3 : space) + "...";
  }
  return text;
}

}  // namespace cloudtwin::cli
