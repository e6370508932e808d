// A form-encoded POST (application/x-www-form-urlencoded) from the test
// itself, optionally with HTTP Basic client authentication: how a resource
// server calls oidc-provider's introspection endpoint.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "http.hpp"

namespace latchkey::interop {

using FormFields = std::vector<std::pair<std::string, std::string>>;

// POSTs `fields` to `url`; with a non-empty `user`, authenticates with HTTP
// Basic as `user`:`password`. Bounded (10 s); status 0 when nothing answered.
test::HttpResult post_form(const std::string& url, const FormFields& fields,
                           const std::string& user = "", const std::string& password = "");

}  // namespace latchkey::interop
