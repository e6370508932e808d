// The claim checks RFC 7523 §3 asks of a JWT used as a grant or as client authentication.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "context.hpp"

namespace devserver {

struct ClaimRules {
    std::string issuer;                  // required value; empty: any non-empty iss
    std::string subject;                 // required value; empty: any non-empty sub
    std::vector<std::string> audiences;  // aud (string or array) must name one of these
    double max_lifetime = 300;           // exp may be at most this far ahead (seconds)
    bool require_jti = false;
};

// nullopt when the claims pass; otherwise what is wrong (safe to show the client).
std::optional<std::string> check_claims(const rapidjson::Value& claims, const ClaimRules& rules,
                                        std::int64_t now);

// The string claim `name`, or "".
std::string string_claim(const rapidjson::Value& claims, const char* name);

// What a JWT sent to this server may carry as aud: the issuer, the token endpoint and the
// URL it was posted to (and their TLS aliases when that listener runs).
std::vector<std::string> own_audiences(const ServerContext& ctx, const std::string& path);

}  // namespace devserver
