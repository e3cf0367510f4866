// What every Route 53 reader shares: record set ids, Route 53's zone ids as the API writes them
// ("/hostedzone/Z1D633PJN98FT9"), names relative to a zone, and Terraform's quoting of TXT values.
#pragma once

#include <string>
#include <string_view>

namespace cloudtwin::load::route53 {

inline std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
  return out;
}

// "<zone>/<name>/<type>[/<set identifier>]": a record set's id when its source gives none
// (model/route53.h).
inline std::string record_set_id(std::string_view zone, std::string_view name,
                                 std::string_view type, std::string_view set_identifier) {
  std::string id = std::string(zone) + "/" + std::string(name) + "/" + std::string(type);
  if (!set_identifier.empty()) id += "/" + std::string(set_identifier);
  return id;
}

// "Z1D633PJN98FT9" of "/hostedzone/Z1D633PJN98FT9" (the API's Id) or of the bare id.
inline std::string_view zone_id(std::string_view id) {
  for (std::string_view prefix : {"/hostedzone/", "hostedzone/"}) {
    if (id.starts_with(prefix)) return id.substr(prefix.size());
  }
  return id;
}

// "N1PA6795SAMPLE" of "/delegationset/N1PA6795SAMPLE".
inline std::string_view delegation_set_id(std::string_view id) {
  for (std::string_view prefix : {"/delegationset/", "delegationset/"}) {
    if (id.starts_with(prefix)) return id.substr(prefix.size());
  }
  return id;
}

// A record set's name in its zone, as Terraform's provider completes it (expandRecordName) and
// the native format reads it: a name that ends with `.` or with the zone's domain is absolute
// (as Route 53 takes names, the trailing dot optional); any other is relative to the zone, whose
// domain is appended. Names keep Route 53's octal escapes (`\052` for `*`), which finalize()
// reads.
inline std::string record_name_in(std::string_view name, std::string_view zone) {
  if (name.empty() || name.ends_with('.') || zone.empty()) return std::string(name);
  if (zone.ends_with('.')) zone.remove_suffix(1);
  auto lower = [](std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    return out;
  };
  const std::string n = lower(name), z = lower(zone);
  // The provider compares the text, not labels: "myexample.com" ends with "example.com".
  if (n.ends_with(z)) return std::string(name) + ".";
  return std::string(name) + "." + std::string(zone) + ".";
}

// A TXT or SPF value as the Terraform AWS provider sends it to Route 53: wrapped in quotes
// (flattenTxtEntry in terraform-provider-aws), not split. A value longer than 255 characters is
// split by writing `""` inside it, as the provider's documentation says; Route 53 reads that as
// the end of one string and the start of the next, written here as RFC 1035 does (`"a" "b"`).
inline std::string terraform_txt(std::string_view value) {
  std::string out = "\"";
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\\' && i + 1 < value.size()) {  // an escape: kept whole
      out += value[i++];
      out += value[i];
    } else if (value[i] == '"' && i + 1 < value.size() && value[i + 1] == '"') {
      out += "\" \"";
      ++i;
    } else {
      out += value[i];
    }
  }
  return out + "\"";
}

}  // namespace cloudtwin::load::route53
