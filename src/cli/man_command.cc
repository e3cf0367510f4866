// `cloudtwin man`: the manual page cloudtwin(1) in roff, written from the verbs and options the
// program defines (command_tree.h): `cloudtwin man | man -l -`. `make install` installs it.
#include <ctime>
#include <iostream>
#include <sstream>

#include "command_tree.h"
#include "commands.h"
#include "version.h"

namespace cloudtwin::cli {

namespace {

// Text for roff: backslashes escaped, and a line that would start with a control character
// guarded (text here never holds a newline, each piece is one line or inside one).
std::string roff(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (ch == '\\') {
      out += "\\e";
    } else {
      out += ch;
    }
  }
  return out;
}

std::string roff_line(const std::string& text) {
  std::string out = roff(text);
  if (!out.empty() && (out.front() == '.' || out.front() == '\'')) out = "\\&" + out;
  return out;
}

// An option name in bold with its hyphens as minus signs: \fB\-\-format\fR.
std::string bold_option(const std::string& name) {
  std::string out = "\\fB";
  for (char ch : name) out += ch == '-' ? "\\-" : std::string(1, ch);
  return out + "\\fR";
}

std::string value_text(const OptionInfo& o) {
  if (o.value == ValueKind::kChoice) {
    std::string out;
    for (const auto& c : o.choices) out += (out.empty() ? "" : "|") + std::string("\\fB") + roff(c) + "\\fR";
    return out;
  }
  return "\\fI" + roff(o.value_name) + "\\fR";
}

// "\fB\-o\fR, \fB\-\-output\fR \fIFILE\fR"
std::string option_header(const OptionInfo& o) {
  if (!o.positional.empty()) return "\\fI" + roff(o.positional) + "\\fR" + (o.repeatable ? "..." : "");
  std::string out;
  for (const auto& n : o.names) out += (out.empty() ? "" : ", ") + bold_option(n);
  if (o.value != ValueKind::kNone) out += " " + value_text(o);
  return out;
}

bool is_help(const OptionInfo& o) {
  for (const auto& n : o.names) {
    if (n == "--help") return true;
  }
  return false;
}

// "cloudtwin trace NETWORK... --from TEXT --to TEXT [options]": positionals and required options.
std::string synopsis(const CommandInfo& c) {
  std::string out = "\\fBcloudtwin";
  for (const auto& p : c.path) out += " " + roff(p);
  out += "\\fR";
  if (!c.verbs.empty()) return out + " \\fIverb\\fR ...";
  bool optional = false;
  for (const auto& o : c.options) {
    if (is_help(o)) continue;
    if (o.positional.empty() && !o.required) {
      optional = true;
      continue;
    }
    std::string piece = o.positional.empty()
                            ? bold_option(o.names.back()) +
                                  (o.value == ValueKind::kNone ? "" : " " + value_text(o))
                            : option_header(o);
    out += " " + (o.required ? piece : "[" + piece + "]");
  }
  return out + (optional ? " [\\fIoptions\\fR]" : "");
}

void options_section(std::ostream& s, const std::vector<OptionInfo>& options) {
  for (const auto& o : options) {
    if (is_help(o)) continue;
    s << ".TP\n" << option_header(o) << "\n" << roff_line(o.description);
    if (o.required && o.positional.empty()) s << " (required)";
    s << "\n";
  }
}

// The date of the page: SOURCE_DATE_EPOCH when set (reproducible builds), else today.
std::string page_date() {
  std::time_t now = std::time(nullptr);
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch != nullptr && *epoch != '\0') {
    now = static_cast<std::time_t>(std::strtoll(epoch, nullptr, 10));
  }
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace

std::string man_page(const CLI::App& app) {
  const CommandInfo root = describe_command_line(app);
  std::ostringstream s;
  s << ".\\\" cloudtwin(1), written by `cloudtwin man` from the program's own options.\n"
    << ".TH CLOUDTWIN 1 " << page_date() << " \"cloudtwin " << kVersion << "\" \"User Commands\"\n"
    << ".SH NAME\n"
    << "cloudtwin \\- a twin of an AWS network on one machine\n"
    << ".SH SYNOPSIS\n"
    << ".B cloudtwin\n"
    << ".I verb\n"
    << ".RI [ NETWORK ...]\n"
    << ".RI [ options ]\n"
    << ".SH DESCRIPTION\n"
    << "cloudtwin reads the network you describe and answers, offline, what path a packet takes "
       "and where and why it is dropped (\\fBtrace\\fR), which packets reach (\\fBreach\\fR), what "
       "the internet reaches (\\fBexposure\\fR) and whether the network keeps your rules "
       "(\\fBcheck\\fR); it also serves the network's Route 53 zones, CloudFront distributions "
       "and BGP sessions over the real protocols (\\fBserve\\fR).\n"
    << ".PP\n"
    << "\\fINETWORK\\fR is a file or folder in any supported format: cloudtwin YAML, "
       "CloudFormation, Terraform JSON (state or plan) or an AWS CLI snapshot, detected from the "
       "content; several are merged. Text output is for people; \\fB\\-\\-json\\fR (or "
       "\\fB\\-\\-format\\fR) gives a stable machine-readable document with a \\fBschema\\fR field.\n"
    << ".SH GLOBAL OPTIONS\n"
    << "These are taken before or after the verb.\n";
  options_section(s, global_options(root));
  s << ".TP\n"
    << bold_option("-h") << ", " << bold_option("--help") << "\n"
    << "Print the help of the program or of a verb and exit.\n"
    << ".TP\n"
    << bold_option("--version") << "\n"
    << "Print the version and exit.\n"
    << ".SH VERBS\n";
  for (const CommandInfo* c : all_commands(root)) {
    if (c->path.empty()) continue;
    s << ".SS " << c->path_text() << "\n"
      << synopsis(*c) << "\n"
      << ".PP\n"
      << roff_line(c->description) << ".\n";
    if (!c->verbs.empty()) {
      s << "Its verbs:";
      for (std::size_t i = 0; i < c->verbs.size(); ++i) {
        s << (i == 0 ? " " : ", ") << "\\fB" << roff(c->verbs[i].name) << "\\fR";
      }
      s << ".\n";
    }
    options_section(s, c->options);
  }
  s << ".SH EXIT STATUS\n"
    << ".TP\n.B 0\nSuccess: the packet is reachable, the network keeps every rule, nothing "
       "changed.\n"
    << ".TP\n.B 1\nA negative answer: not reachable, a rule is broken, reachability changed, "
       "an exposure at the \\fB\\-\\-fail\\-on\\fR risk.\n"
    << ".TP\n.B 2\nBad input or usage: every problem is printed with its file:line:column.\n"
    << ".TP\n.B 3\nInconclusive: the answer depends on something cloudtwin cannot evaluate "
       "offline (it never guesses).\n"
    << ".SH ENVIRONMENT\n"
    << ".TP\n.B NO_COLOR\n"
       "When set and not empty, text reports are not colored unless \\fB\\-\\-color always\\fR "
       "is given (https://no-color.org).\n"
    << ".TP\n.B CLOUDTWIN_PROGRESS_AFTER\n"
       "Seconds of work after which a progress line appears on standard error, when that is a "
       "terminal (default 2).\n"
    << ".TP\n.B CLOUDTWIN_IP_RANGES\n"
       "AWS's ip-ranges.json, when \\fB\\-\\-ip\\-ranges\\fR is not given.\n"
    << ".SH FILES\n"
    << "Shell completions are printed by \\fBcloudtwin completion\\fR "
       "\\fBbash\\fR|\\fBzsh\\fR|\\fBfish\\fR; \\fBmake install\\fR puts them where the shells "
       "look.\n"
    << ".SH EXAMPLES\n"
    << ".nf\n"
    << "cloudtwin validate network.yaml\n"
    << "cloudtwin trace network.yaml \\-\\-from web \\-\\-to db \\-\\-port 5432\n"
    << "cloudtwin reach network.yaml \\-\\-from subnet/app \\-\\-to subnet/db\n"
    << "cloudtwin exposure template.yaml \\-\\-fail\\-on high\n"
    << "cloudtwin check network.yaml \\-\\-policy policies.yaml \\-\\-format sarif \\-o check.sarif\n"
    << ".fi\n";
  return s.str();
}

Runner add_man_command(CLI::App& app) {
  app.add_subcommand("man", "Print the manual page, cloudtwin(1), in roff: cloudtwin man | man -l -");
  const CLI::App* root = &app;
  return [root]() {
    std::cout << man_page(*root);
    return kExitOk;
  };
}

}  // namespace cloudtwin::cli
