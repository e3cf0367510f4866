// `cloudtwin completion bash|zsh|fish`: a completion script for the shell, written from the verbs
// and options the program defines (command_tree.h), so it never lags behind them.
#include <iostream>
#include <memory>
#include <sstream>

#include "command_tree.h"
#include "commands.h"

namespace cloudtwin::cli {

namespace {

std::string join(const std::vector<std::string>& words, const std::string& by = " ") {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : by) + w;
  return out;
}

std::vector<std::string> verb_names(const CommandInfo& c) {
  std::vector<std::string> names;
  for (const auto& v : c.verbs) names.push_back(v.name);
  return names;
}

// A command's options with the program's global ones (which every verb takes too).
std::vector<OptionInfo> options_with_globals(const CommandInfo& c, const CommandInfo& root) {
  std::vector<OptionInfo> options = c.options;
  if (&c != &root) {
    for (const auto& g : global_options(root)) options.push_back(g);
  }
  return options;
}

// --- bash ---------------------------------------------------------------------------------

// "file", "choice A B C", "text", or "" for a flag.
std::string bash_value(const OptionInfo& o) {
  switch (o.value) {
    case ValueKind::kNone: return "";
    case ValueKind::kText: return "text";
    case ValueKind::kFile: return "file";
    case ValueKind::kChoice: return "choice " + join(o.choices);
  }
  return "";
}

std::string bash_script(const CommandInfo& root) {
  const auto commands = all_commands(root);
  std::ostringstream s;
  s << "# bash completion for cloudtwin, written by `cloudtwin completion bash` from the program's\n"
       "# own options. Install as $PREFIX/share/bash-completion/completions/cloudtwin, or source it.\n"
       "\n"
       "# The verbs after a command path (\"\" for the program, \"serve\", ...).\n"
       "_cloudtwin_verbs() {\n"
       "  case \"$1\" in\n";
  for (const auto* c : commands) {
    if (!c->verbs.empty()) s << "    \"" << c->path_text() << "\") echo \"" << join(verb_names(*c)) << "\" ;;\n";
  }
  s << "  esac\n"
       "}\n"
       "\n"
       "# The options of a command path.\n"
       "_cloudtwin_options() {\n"
       "  case \"$1\" in\n";
  for (const auto* c : commands) {
    std::vector<std::string> names;
    for (const auto& o : options_with_globals(*c, root)) {
      for (const auto& n : o.names) names.push_back(n);
    }
    s << "    \"" << c->path_text() << "\") echo \"" << join(names) << "\" ;;\n";
  }
  s << "  esac\n"
       "}\n"
       "\n"
       "# What option $2 of command path $1 takes (@: the positional arguments): file, text,\n"
       "# \"choice A B ...\", or nothing for a flag.\n"
       "_cloudtwin_value() {\n"
       "  case \"$1 $2\" in\n";
  for (const auto* c : commands) {
    for (const auto& o : c->options) {
      std::string value = bash_value(o);
      if (value.empty()) continue;
      std::vector<std::string> patterns;
      if (!o.positional.empty()) patterns.push_back("\"" + c->path_text() + " @\"");
      for (const auto& n : o.names) patterns.push_back("\"" + c->path_text() + " " + n + "\"");
      // The program's options are taken after any verb too.
      if (c == &root && o.positional.empty()) {
        for (const auto& n : o.names) patterns.push_back("*\" " + n + "\"");
      }
      s << "    " << join(patterns, "|") << ") echo \"" << value << "\" ;;\n";
    }
  }
  s << "  esac\n"
       "}\n"
       "\n"
       "_cloudtwin_complete_value() {\n"
       "  case \"$1\" in\n"
       "    file)\n"
       "      compopt -o filenames 2>/dev/null\n"
       "      mapfile -t COMPREPLY < <(compgen -f -- \"$2\") ;;\n"
       "    choice\\ *) mapfile -t COMPREPLY < <(compgen -W \"${1#choice }\" -- \"$2\") ;;\n"
       "    *) COMPREPLY=() ;;\n"
       "  esac\n"
       "}\n"
       "\n"
       "_cloudtwin() {\n"
       "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"\" path=\"\" word value i skip=0\n"
       "  # The words before the cursor: verbs extend the path, an option's value is skipped.\n"
       "  # bash splits --option=value into three words, the middle one \"=\".\n"
       "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
       "    word=\"${COMP_WORDS[i]}\"\n"
       "    if ((skip)); then\n"
       "      [ \"$word\" = \"=\" ] || skip=0\n"
       "      continue\n"
       "    fi\n"
       "    case \"$word\" in\n"
       "      -*=*) continue ;;\n"
       "      -*)\n"
       "        [ -n \"$(_cloudtwin_value \"$path\" \"$word\")\" ] && skip=1\n"
       "        continue ;;\n"
       "    esac\n"
       "    case \" $(_cloudtwin_verbs \"$path\") \" in\n"
       "      *\" $word \"*) path=\"${path:+$path }$word\" ;;\n"
       "    esac\n"
       "  done\n"
       "  ((COMP_CWORD > 1)) && prev=\"${COMP_WORDS[COMP_CWORD - 1]}\"\n"
       "  if [ \"$cur\" = \"=\" ]; then\n"
       "    cur=\"\"\n"
       "  elif [ \"$prev\" = \"=\" ] && ((COMP_CWORD > 2)); then\n"
       "    prev=\"${COMP_WORDS[COMP_CWORD - 2]}\"\n"
       "  fi\n"
       "  if [[ \"$prev\" == -* ]]; then\n"
       "    value=\"$(_cloudtwin_value \"$path\" \"$prev\")\"\n"
       "    if [ -n \"$value\" ]; then\n"
       "      _cloudtwin_complete_value \"$value\" \"$cur\"\n"
       "      return\n"
       "    fi\n"
       "  fi\n"
       "  if [[ \"$cur\" == -* ]]; then\n"
       "    mapfile -t COMPREPLY < <(compgen -W \"$(_cloudtwin_options \"$path\")\" -- \"$cur\")\n"
       "    return\n"
       "  fi\n"
       "  value=\"$(_cloudtwin_verbs \"$path\")\"\n"
       "  if [ -n \"$value\" ]; then\n"
       "    mapfile -t COMPREPLY < <(compgen -W \"$value\" -- \"$cur\")\n"
       "    return\n"
       "  fi\n"
       "  _cloudtwin_complete_value \"$(_cloudtwin_value \"$path\" @)\" \"$cur\"\n"
       "}\n"
       "complete -F _cloudtwin cloudtwin\n";
  return s.str();
}

// --- zsh ----------------------------------------------------------------------------------

std::string zsh_function(const CommandInfo& c) {
  std::string name = "_cloudtwin";
  for (const auto& p : c.path) {
    name += "_";
    for (char ch : p) name += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  }
  return name;
}

// Text for inside a single-quoted _arguments spec: no brackets (they end the description),
// colons quoted, single quotes closed and reopened.
std::string zsh_text(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (ch == '[') out += '(';
    else if (ch == ']') out += ')';
    else if (ch == ':') out += "\\:";
    else if (ch == '\\') out += "\\\\";
    else if (ch == '\'') out += "'\\''";
    else out += ch;
  }
  return out;
}

std::string zsh_action(const OptionInfo& o) {
  switch (o.value) {
    case ValueKind::kNone: return "";
    case ValueKind::kText: return " ";
    case ValueKind::kFile: return "_files";
    case ValueKind::kChoice: return "(" + join(o.choices) + ")";
  }
  return "";
}

std::string zsh_message(const OptionInfo& o) {
  std::string base = o.positional.empty() ? o.names.back() : o.positional;
  std::string out;
  for (char ch : base) {
    if (ch != '-') out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return out;
}

// One _arguments spec: '(-o --output)'{-o+,--output=}'[Write the report]:output:_files'
std::string zsh_spec(const OptionInfo& o) {
  std::string desc = "[" + zsh_text(short_description(o.description)) + "]";
  std::string value = o.value == ValueKind::kNone ? "" : ":" + zsh_message(o) + ":" + zsh_action(o);
  if (!o.positional.empty()) return "'" + std::string(o.repeatable ? "*" : "") + value + "'";
  bool help = false;
  for (const auto& n : o.names) help |= n == "--help" || n == "--version";
  auto spelled = [&](const std::string& n) {
    if (o.value == ValueKind::kNone) return n;
    return n + (n.starts_with("--") ? "=" : "+");
  };
  std::string prefix = help ? "(- *)" : o.repeatable ? "*" : "";
  if (o.names.size() == 1) {
    return "'" + prefix + spelled(o.names.front()) + desc + value + "'";
  }
  std::vector<std::string> names;
  for (const auto& n : o.names) names.push_back(spelled(n));
  if (!help && !o.repeatable) prefix = "(" + join(o.names) + ")";
  return (prefix.empty() ? "" : "'" + prefix + "'") + "{" + join(names, ",") + "}'" + desc + value + "'";
}

void zsh_command(std::ostream& s, const CommandInfo& c, const CommandInfo& root) {
  for (const auto& v : c.verbs) zsh_command(s, v, root);
  std::vector<std::string> specs;
  for (const auto& o : options_with_globals(c, root)) specs.push_back(zsh_spec(o));
  const std::string fn = zsh_function(c);
  if (c.verbs.empty()) {
    s << fn << "() {\n  _arguments -s -S";
    for (const auto& spec : specs) s << " \\\n    " << spec;
    s << "\n}\n\n";
    return;
  }
  s << fn << "_verbs() {\n  local -a verbs=(\n";
  for (const auto& v : c.verbs) {
    s << "    '" << zsh_text(v.name) << ":" << zsh_text(short_description(v.description)) << "'\n";
  }
  s << "  )\n  _describe -t verbs '" << (c.path.empty() ? "cloudtwin" : c.path_text()) << " verb' verbs\n}\n\n";
  s << fn << "() {\n"
    << "  local curcontext=\"$curcontext\" state state_descr line\n"
    << "  typeset -A opt_args\n"
    << "  _arguments -C";
  for (const auto& spec : specs) s << " \\\n    " << spec;
  s << " \\\n    ': :" << fn << "_verbs' \\\n    '*:: :->verb' && return\n"
    << "  [[ $state == verb ]] || return 1\n"
    << "  curcontext=\"${curcontext%:*:*}:cloudtwin-$words[1]:\"\n"
    << "  case $words[1] in\n";
  for (const auto& v : c.verbs) s << "    " << v.name << ") " << zsh_function(v) << " ;;\n";
  s << "    *) return 1 ;;\n  esac\n}\n\n";
}

std::string zsh_script(const CommandInfo& root) {
  std::ostringstream s;
  s << "#compdef cloudtwin\n"
       "# zsh completion for cloudtwin, written by `cloudtwin completion zsh` from the program's own\n"
       "# options. Install as _cloudtwin in a folder of $fpath (e.g.\n"
       "# $PREFIX/share/zsh/site-functions), or source it after compinit.\n\n";
  zsh_command(s, root, root);
  s << "if [[ $zsh_eval_context[-1] == loadautofunc ]]; then\n"
       "  _cloudtwin \"$@\"\n"
       "else\n"
       "  compdef _cloudtwin cloudtwin\n"
       "fi\n";
  return s.str();
}

// --- fish ---------------------------------------------------------------------------------

std::string fish_quote(const std::string& text) {
  std::string out = "'";
  for (char ch : text) {
    if (ch == '\\' || ch == '\'') out += '\\';
    out += ch;
  }
  return out + "'";
}

std::string fish_script(const CommandInfo& root) {
  const auto commands = all_commands(root);
  std::ostringstream s;
  s << "# fish completion for cloudtwin, written by `cloudtwin completion fish` from the program's\n"
       "# own options. Install as $PREFIX/share/fish/vendor_completions.d/cloudtwin.fish.\n\n"
       "# The verbs after a command path ('' for the program, 'serve', ...).\n"
       "function __cloudtwin_verbs\n"
       "    switch \"$argv[1]\"\n";
  for (const auto* c : commands) {
    if (c->verbs.empty()) continue;
    s << "        case " << fish_quote(c->path_text()) << "\n            printf '%s\\n' "
      << join(verb_names(*c)) << "\n";
  }
  s << "    end\nend\n\n"
       "# The options of a command path that take a value.\n"
       "function __cloudtwin_value_options\n"
       "    switch \"$argv[1]\"\n";
  for (const auto* c : commands) {
    std::vector<std::string> names;
    for (const auto& o : options_with_globals(*c, root)) {
      if (o.value == ValueKind::kNone) continue;
      for (const auto& n : o.names) names.push_back(n);
    }
    if (names.empty()) continue;
    s << "        case " << fish_quote(c->path_text()) << "\n            printf '%s\\n' " << join(names)
      << "\n";
  }
  s << "    end\nend\n\n"
       "# The verbs on the command line so far, e.g. 'serve dns'.\n"
       "function __cloudtwin_path\n"
       "    set -l tokens (commandline -opc)\n"
       "    set -e tokens[1]\n"
       "    set -l path\n"
       "    set -l skip 0\n"
       "    for t in $tokens\n"
       "        if test $skip = 1\n"
       "            set skip 0\n"
       "            continue\n"
       "        end\n"
       "        switch $t\n"
       "            case '-*=*'\n"
       "                continue\n"
       "            case '-*'\n"
       "                if contains -- $t (__cloudtwin_value_options \"$path\")\n"
       "                    set skip 1\n"
       "                end\n"
       "                continue\n"
       "        end\n"
       "        if contains -- $t (__cloudtwin_verbs \"$path\")\n"
       "            set -a path $t\n"
       "        end\n"
       "    end\n"
       "    echo \"$path\"\n"
       "end\n\n"
       "function __cloudtwin_at\n"
       "    set -l path (__cloudtwin_path)\n"
       "    test \"$path\" = \"$argv[1]\"\n"
       "end\n\n"
       "complete -c cloudtwin -f\n";
  auto option_line = [&](const std::string& condition, const OptionInfo& o) {
    s << "complete -c cloudtwin" << condition;
    for (const auto& n : o.names) s << (n.starts_with("--") ? " -l " + n.substr(2) : " -s " + n.substr(1));
    switch (o.value) {
      case ValueKind::kNone: break;
      case ValueKind::kText: s << " -x"; break;
      case ValueKind::kFile: s << " -r -F"; break;
      case ValueKind::kChoice: s << " -x -a " << fish_quote(join(o.choices)); break;
    }
    s << " -d " << fish_quote(short_description(o.description)) << "\n";
  };
  // The program's options are taken after every verb too: no condition.
  for (const auto& g : global_options(root)) option_line("", g);
  for (const auto* c : commands) {
    const std::string at = " -n " + fish_quote("__cloudtwin_at " + fish_quote(c->path_text()));
    s << "\n# " << (c->path.empty() ? "cloudtwin" : c->path_text()) << "\n";
    for (const auto& v : c->verbs) {
      s << "complete -c cloudtwin" << at << " -a " << fish_quote(v.name) << " -d "
        << fish_quote(short_description(v.description)) << "\n";
    }
    for (const auto& o : c->options) {
      if (!o.positional.empty()) {
        if (o.value == ValueKind::kFile) s << "complete -c cloudtwin" << at << " -F\n";
        if (o.value == ValueKind::kChoice) {
          s << "complete -c cloudtwin" << at << " -a " << fish_quote(join(o.choices)) << "\n";
        }
        continue;
      }
      if (c == &root && global_options(root).size() > 0) {
        bool global = false;
        for (const auto& g : global_options(root)) global |= g.names == o.names;
        if (global) continue;
      }
      option_line(at, o);
    }
  }
  return s.str();
}

}  // namespace

std::string completion_script(const CLI::App& app, const std::string& shell) {
  const CommandInfo root = describe_command_line(app);
  if (shell == "bash") return bash_script(root);
  if (shell == "zsh") return zsh_script(root);
  return fish_script(root);
}

Runner add_completion_command(CLI::App& app) {
  auto shell = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand(
      "completion", "Print the completion script for a shell (bash, zsh or fish) of every verb and option");
  cmd->add_option("shell", *shell, "The shell: bash, zsh or fish")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh", "fish"}));
  const CLI::App* root = &app;
  return [shell, root]() {
    std::cout << completion_script(*root, *shell);
    return kExitOk;
  };
}

}  // namespace cloudtwin::cli
