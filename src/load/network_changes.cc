#include "cloudtwin/load/network_changes.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

#include "cloudtwin/load/native_yaml_writer.h"

namespace cloudtwin::load {

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    const auto first = line.find_first_not_of(' ');
    if (first != std::string::npos) {
      line.erase(0, first);
      if (line.starts_with("- ")) line.erase(0, 2);
      out.push_back(std::move(line));
    }
    start = end + 1;
  }
  return out;
}

// The lines of `a` that `b` does not have (each line of `b` matches one of `a` once).
std::vector<std::string> minus(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::unordered_map<std::string, int> left;
  for (const auto& l : b) ++left[l];
  std::vector<std::string> out;
  for (const auto& l : a) {
    auto it = left.find(l);
    if (it != left.end() && it->second > 0) {
      --it->second;
      continue;
    }
    out.push_back(l);
  }
  return out;
}

// The entries by (section, name or id, occurrence): two resources named alike in one section
// are told apart by their order.
std::map<std::tuple<std::string, std::string, int>, std::size_t> keyed(
    const std::vector<NativeYamlEntry>& entries) {
  std::map<std::tuple<std::string, std::string, int>, std::size_t> out;
  std::map<std::pair<std::string, std::string>, int> seen;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    std::string name = e.name.empty() ? e.id : e.name;
    int n = seen[{e.section, name}]++;
    out.emplace(std::make_tuple(e.section, std::move(name), n), i);
  }
  return out;
}

}  // namespace

const char* action_name(ResourceChange::Action a) {
  switch (a) {
    case ResourceChange::Action::kAdded:
      return "added";
    case ResourceChange::Action::kRemoved:
      return "removed";
    case ResourceChange::Action::kChanged:
      return "changed";
  }
  return "changed";
}

std::vector<ResourceChange> network_changes(const model::Network& before,
                                            const model::Network& after) {
  const auto b = native_yaml_entries(before);
  const auto a = native_yaml_entries(after);
  const auto kb = keyed(b);
  const auto ka = keyed(a);
  // In the order of the sections as written (the after network's, then what only the network
  // before had), so related changes stay together.
  std::vector<std::string> sections;
  for (const auto* list : {&a, &b}) {
    for (const auto& e : *list) {
      if (std::find(sections.begin(), sections.end(), e.section) == sections.end())
        sections.push_back(e.section);
    }
  }
  std::vector<ResourceChange> out;
  for (const auto& section : sections) {
    auto emit = [&](const NativeYamlEntry* was, const NativeYamlEntry* now) {
      ResourceChange c;
      c.section = section;
      const auto& e = now ? *now : *was;
      c.name = e.name.empty() ? e.id : e.name;
      if (was) {
        c.id_before = was->id;
        c.file_before = before.file_of(was->at);
        c.at_before = was->at;
      }
      if (now) {
        c.id_after = now->id;
        c.file_after = after.file_of(now->at);
        c.at_after = now->at;
      }
      const auto lb = was ? lines_of(was->text) : std::vector<std::string>{};
      const auto la = now ? lines_of(now->text) : std::vector<std::string>{};
      c.removed = minus(lb, la);
      c.added = minus(la, lb);
      c.action = !was ? ResourceChange::Action::kAdded
                 : !now ? ResourceChange::Action::kRemoved
                        : ResourceChange::Action::kChanged;
      out.push_back(std::move(c));
    };
    for (const auto& [key, i] : ka) {
      if (std::get<0>(key) != section) continue;
      auto it = kb.find(key);
      if (it == kb.end()) {
        emit(nullptr, &a[i]);
      } else if (b[it->second].text != a[i].text) {
        emit(&b[it->second], &a[i]);
      }
    }
    for (const auto& [key, i] : kb) {
      if (std::get<0>(key) == section && !ka.contains(key)) emit(&b[i], nullptr);
    }
  }
  return out;
}

}  // namespace cloudtwin::load
