// OpenID Connect ID tokens (OIDC Core §2), signed RS256 with the server's key.
#pragma once

#include <optional>
#include <string>

#include "context.hpp"

namespace devserver {

// An ID token for `subject` as seen by `client_id`, valid as long as an access token.
std::string make_id_token(ServerContext& ctx, const std::string& client_id,
                          const std::string& subject, const std::optional<std::string>& nonce);

}  // namespace devserver
