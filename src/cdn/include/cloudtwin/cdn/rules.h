// CloudFront's rules as pure functions (shared/reference/cloudfront.md): which cache behaviour
// a path selects (§1), what the origin's caching headers make of an object's TTL (§3, §4),
// which requests an invalidation path removes (§10), how Accept-Encoding is normalised into the
// cache key (§5) and what may be compressed (§12). The edge (server.cc) and the explanation use
// them; tests check them against the Developer Guide's tables.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cloudtwin/model/cloudfront.h"

namespace cloudtwin::cdn {

// §1: `*` is zero or more characters (including `/`), `?` exactly one; case-sensitive; a
// leading `/` on either side is optional; the query string is not part of `path`.
bool path_matches(std::string_view pattern, std::string_view path);

// §1: the index in d.behaviors of the first behaviour whose pattern matches `path`, or
// d.behaviors.size() for the default behaviour.
std::size_t select_behavior(const model::Distribution& d, std::string_view path);

}  // namespace cloudtwin::cdn
