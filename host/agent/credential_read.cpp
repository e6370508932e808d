#include "credential_read.hpp"

namespace latchkey::agent {

Credential read_credential(Host& host, const std::string& site,
                           std::optional<int64_t> min_valid_ms) {
    (void)min_valid_ms;  // TODO(agent): Host::token(site, min_valid) from main
    return host.token(site);
}

void forget(Host& host, const std::string& site, const std::string& refused_token) {
    (void)refused_token;  // TODO(agent): Host::invalidate(site, refused_token) from main
    host.invalidate(site);
}

}  // namespace latchkey::agent
