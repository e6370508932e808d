// The command lines the front door answers itself: `latchkey token`, for the
// site --at or $LATCHKEY_SITE names (else the policy's default), with
// --config and --min-valid when given. Any other word, flag or spelling
// (-v, -o json, --header, an abbreviation, a repeated flag, ...) is the
// full program's, which parses every command line the same way whether the
// front door took it or not.
#pragma once

#include <optional>
#include <string>

namespace latchkey::front {

struct TokenRequest {
    std::optional<std::string> config;  // --config
    std::string site;                   // --at, else $LATCHKEY_SITE, else ""
    std::string min_valid;              // --min-valid, "" when not given
};

// The request `argv` makes, when it is one of those lines.
std::optional<TokenRequest> token_request(int argc, const char* const* argv);

}  // namespace latchkey::front
