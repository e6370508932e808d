// Reads a successful token endpoint answer (RFC 6749 §5.1).
#ifndef LATCHKEY_COMMON_TOKEN_RESPONSE_HPP
#define LATCHKEY_COMMON_TOKEN_RESPONSE_HPP

#include <rapidjson/document.h>

#include <cstdint>
#include <latchkey/common/bounded_json.hpp>
#include <latchkey/common/json.hpp>
#include <latchkey/common/text.hpp>
#include <latchkey/common/token_error.hpp>
#include <latchkey/provider.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace latchkey::common {

struct TokenResponse {
    std::string access_token;
    std::string token_type = "Bearer";
    int64_t expires_at_ms = 0;  // 0: the server did not say
    std::string refresh_token;  // "" when none
    std::string scope;          // "" when the server did not say
    std::string id_token;       // OpenID Connect ID token; "" when none
    // Other top-level string/number fields that are not secrets, e.g.
    // Salesforce's instance_url. Numbers keep their JSON spelling.
    std::map<std::string, std::string> extras;
};

// The option for servers that do not say how long a token lives.
inline constexpr latchkey_option kTokenLifetimeOption = {
    "token_lifetime", LATCHKEY_OPT_DURATION, 0, nullptr,
    "assumed lifetime of an access token when the server's answer has no expires_in "
    "(Salesforce's has none: set it to the session timeout); unset: such a token is kept "
    "until the server refuses it"};

// Gives `t` the expiry `lifetime_s` seconds after `now_ms` when the server
// named none; a server's own expires_in always wins.
inline void assume_lifetime(TokenResponse& t, int64_t now_ms, int64_t lifetime_s) {
    if (!t.expires_at_ms && lifetime_s > 0) t.expires_at_ms = now_ms + lifetime_s * 1000;
}

namespace detail {

// expires_in as seconds: a JSON number, or a numeric string (some servers).
inline std::optional<double> expires_in_seconds(const rapidjson::Value& v) {
    if (v.IsNumber()) return v.GetDouble();
    if (v.IsString())
        if (auto n = parse_non_negative(v.GetString())) return static_cast<double>(*n);
    return std::nullopt;
}

// Field names that carry a credential and so must not be kept as extras
// (extras are shown by `latchkey status` and may be logged).
inline bool is_secret_field(std::string_view key) {
    constexpr std::string_view suffix = "_token";
    return key == "access_token" || key == "refresh_token" || key == "id_token" ||
           (key.size() > suffix.size() && key.substr(key.size() - suffix.size()) == suffix);
}

}  // namespace detail

// Parses the body of `resp`, a 2xx answer from `url` to a request sent at
// `requested_at_ms`. Registers every token it finds with the host's
// redaction set before anything else can log it. Throws sdk::Error; the
// message never quotes the body.
//
// expires_in counts from the request, not from the answer's arrival: the
// server started the lifetime no later than it answered, and the time the
// answer spent travelling or waiting for this process to run would
// otherwise make latchkey believe the token lives longer than it does.
inline TokenResponse parse_token_response(const sdk::Host& host, const std::string& url,
                                          const sdk::HttpResponse& resp,
                                          int64_t requested_at_ms) {
    const std::string invalid = "token endpoint " + url + " returned an invalid response: ";
    rapidjson::Document doc;
    if (auto problem = parse_bounded_json(doc, resp.body))
        throw sdk::internal_error(invalid + problem->describe());
    if (!doc.IsObject()) throw sdk::internal_error(invalid + "not a JSON object");

    // Redact first: whatever else is wrong with the answer, these are live.
    for_each_member(doc, [&](const rapidjson::Value& name, const rapidjson::Value& v) {
        if (v.IsString() && detail::is_secret_field(name.GetString()))
            host.add_secret(v.GetString());
    });

    const rapidjson::Value* token = member(doc, "access_token");
    if (!token) {
        // Some servers (GitHub, for one) report RFC 6749 errors with HTTP 200.
        if (auto e = parse_oauth_error(resp.body)) throw oauth_error(host, *e, resp);
        throw sdk::internal_error(invalid + "no access_token");
    }
    if (!token->IsString() || token->GetStringLength() == 0)
        throw sdk::internal_error(invalid + "access_token is not a non-empty string");

    TokenResponse out;
    out.access_token = token->GetString();
    for_each_member(doc, [&](const rapidjson::Value& name, const rapidjson::Value& v) {
        std::string key = name.GetString();
        if (key == "access_token") return;
        if (key == "token_type") {
            // The scheme is case-insensitive (RFC 6750) but many servers say
            // "bearer"; send the spelling every resource server accepts.
            if (v.IsString() && v.GetStringLength() > 0)
                out.token_type = iequals(v.GetString(), "bearer") ? "Bearer" : v.GetString();
        } else if (key == "expires_in") {
            // Zero or negative is treated as "not said" rather than "already expired".
            auto secs = detail::expires_in_seconds(v);
            if (secs && *secs > 0) {
                // Compared as a double first: 1e300 has no int64_t value.
                auto at = *secs <= static_cast<double>(kLatestUnixSeconds)
                              ? ms_after(requested_at_ms, static_cast<int64_t>(*secs))
                              : std::nullopt;
                if (!at)
                    throw sdk::internal_error(invalid + "expires_in " + to_json(v) +
                                              " ends after the year 9999; it is not a lifetime "
                                              "in seconds");
                out.expires_at_ms = *at;
            }
        } else if (key == "refresh_token") {
            if (v.IsString()) out.refresh_token = v.GetString();
        } else if (key == "scope") {
            if (v.IsString()) out.scope = v.GetString();
        } else if (key == "id_token") {
            if (v.IsString()) out.id_token = v.GetString();
        } else if (!detail::is_secret_field(key)) {
            if (v.IsString())
                out.extras[key] = v.GetString();
            else if (v.IsNumber())
                out.extras[key] = to_json(v);
        }
    });
    return out;
}

}  // namespace latchkey::common

#endif  // LATCHKEY_COMMON_TOKEN_RESPONSE_HPP
