// The client side of the servers' admin endpoints (`serve cdn --admin`, `serve bgp --admin`):
// one HTTP/1.1 request, Connection: close, answered within 30 s.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cloudtwin/cdn/http.h"

namespace cloudtwin::cli {

// The response, or nullopt with `error` (cannot connect, no answer, a malformed response).
std::optional<cdn::Response> admin_call(const std::string& admin, std::string_view method,
                                        std::string_view path, const std::string& body,
                                        std::string& error);

}  // namespace cloudtwin::cli
