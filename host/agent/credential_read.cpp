#include "credential_read.hpp"

#include <chrono>

namespace latchkey::agent {

Credential read_credential(Host& host, const std::string& site,
                           std::optional<int64_t> min_valid_ms) {
    if (min_valid_ms) return host.token(site, std::chrono::milliseconds(*min_valid_ms));
    return host.token(site);
}

void forget(Host& host, const std::string& site, const std::string& refused_token) {
    if (refused_token.empty()) return host.invalidate(site);
    host.invalidate(site, refused_token);
}

}  // namespace latchkey::agent
