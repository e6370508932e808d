// Redirect URIs of the authorization code flow: which ones a client may use, and how an
// answer is appended to one.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "clients.hpp"

namespace devserver {

// RFC 8252 §7.3: a native app's loopback redirect (http on 127.0.0.1, [::1] or
// localhost) is accepted on any port and path. Anything else must be registered exactly
// with --setting redirect_uri.ID=URI.
bool is_allowed_redirect(const Client& client, const std::string& redirect_uri);

// `redirect_uri` with `params` added to its query (RFC 6749 §4.1.2: keep its own query).
std::string with_query(const std::string& redirect_uri,
                       const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace devserver
