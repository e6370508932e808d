// The two Host calls the agent makes for a site, in one place.
#pragma once

#include <cstdint>
#include <latchkey/host.hpp>
#include <optional>
#include <string>

namespace latchkey::agent {

// The site's credential; with `min_valid_ms`, one valid at least that long.
Credential read_credential(Host& host, const std::string& site,
                           std::optional<int64_t> min_valid_ms);
// Forgets the site's credential after a server refused `refused_token`
// ("" = whatever is held).
void forget(Host& host, const std::string& site, const std::string& refused_token);

}  // namespace latchkey::agent
