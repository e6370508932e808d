// Signed JWTs (RFC 7519) in JWS compact serialisation, for the sign_jwt host
// service: a provider hands over its header and claims as JSON and gets the
// finished token; the key never enters the plugin, and neither does the
// encoding (base64url without padding, RFC 7515 §2).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace latchkey::crypto {

struct JwtFailure {
    bool key_problem = false;  // the key: a configuration error; else the JSON
    std::string message;       // names the file or the JSON, never the passphrase
};

// header.claims.signature. `header_json` and `claims_json` must be JSON
// objects (parsed with the caps of every outside document); "alg" is set in
// the header, and "typ": "JWT" when it has no "typ".
std::optional<std::string> sign_jwt(const std::string& alg, const std::string& key_file,
                                    const char* passphrase, std::string_view header_json,
                                    std::string_view claims_json, JwtFailure& failure);

}  // namespace latchkey::crypto
