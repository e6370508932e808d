// Reads the expiry of a JWT (RFC 7519) without verifying it: a client only
// needs to know when to stop presenting the token; the server verifies it.
#ifndef LATCHKEY_COMMON_JWT_HPP
#define LATCHKEY_COMMON_JWT_HPP

#include <rapidjson/document.h>

#include <cmath>
#include <cstdint>
#include <latchkey/common/bounded_json.hpp>
#include <latchkey/common/json.hpp>
#include <latchkey/common/text.hpp>
#include <latchkey/provider.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace latchkey::common {

namespace detail {

// One JWT segment decoded and parsed as a JSON object into `doc`.
inline bool decode_segment(const sdk::Host& host, std::string_view segment,
                           rapidjson::Document& doc) {
    if (segment.empty()) return false;
    // base64url without padding (RFC 7515 §2): the host's decoder takes it as is.
    auto json = host.base64_decode(segment);
    if (!json) return false;
    return !parse_bounded_json(doc, *json) && doc.IsObject();
}

}  // namespace detail

// The claims of `token` when it is a JWS-compact JWT (three segments, a
// header naming "alg", an object payload); nullopt otherwise. The header
// check keeps an opaque key that happens to contain two dots from being
// mistaken for a JWT. The signature is neither checked nor kept.
inline std::optional<rapidjson::Document> jwt_claims(const sdk::Host& host,
                                                     std::string_view token) {
    size_t first = token.find('.');
    if (first == std::string_view::npos) return std::nullopt;
    size_t second = token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
        return std::nullopt;

    rapidjson::Document header;
    if (!detail::decode_segment(host, token.substr(0, first), header)) return std::nullopt;
    if (!string_member(header, "alg")) return std::nullopt;

    rapidjson::Document payload;
    if (!detail::decode_segment(host, token.substr(first + 1, second - first - 1), payload))
        return std::nullopt;
    return payload;
}

// The `exp` claim of `token` in Unix seconds; nullopt when `token` is not a
// JWT (see jwt_claims) or carries no usable `exp`.
inline std::optional<int64_t> jwt_expiry_seconds(const sdk::Host& host, std::string_view token) {
    auto payload = jwt_claims(host, token);
    if (!payload) return std::nullopt;
    const rapidjson::Value* exp = member(*payload, "exp");
    if (!exp || !exp->IsNumber()) return std::nullopt;
    // NumericDate may have a fraction; beyond year 9999 it is nonsense and
    // would overflow as milliseconds.
    double secs = exp->GetDouble();
    if (!std::isfinite(secs) || secs < 0 || secs > static_cast<double>(kLatestUnixSeconds))
        return std::nullopt;
    return static_cast<int64_t>(std::floor(secs));
}

}  // namespace latchkey::common

#endif  // LATCHKEY_COMMON_JWT_HPP
