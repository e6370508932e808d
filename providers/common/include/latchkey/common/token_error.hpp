// Turns a token endpoint's failed answer into an sdk::Error whose category
// tells the host what to do (RFC 6749 §5.2). Never quotes the response body:
// a misbehaving server may have put a token in it.
#ifndef LATCHKEY_COMMON_TOKEN_ERROR_HPP
#define LATCHKEY_COMMON_TOKEN_ERROR_HPP

#include <rapidjson/document.h>

#include <latchkey/common/bounded_json.hpp>
#include <latchkey/common/json.hpp>
#include <latchkey/common/text.hpp>
#include <latchkey/provider.hpp>
#include <optional>
#include <string>

namespace latchkey::common {

// An RFC 6749 §5.2 error body: {"error": "...", "error_description": "..."}.
struct OAuthError {
    std::string code;
    std::string description;
};

// The RFC error in `body`, or nullopt when the body is not one. Lenient about
// the content type: some servers send the JSON as text/plain.
inline std::optional<OAuthError> parse_oauth_error(const std::string& body) {
    rapidjson::Document doc;
    if (parse_bounded_json(doc, body) || !doc.IsObject()) return std::nullopt;
    const rapidjson::Value* err = string_member(doc, "error");
    if (!err) return std::nullopt;
    OAuthError out;
    out.code = printable(err->GetString(), 100);
    if (const rapidjson::Value* desc = string_member(doc, "error_description"))
        out.description = printable(desc->GetString());
    return out;
}

// 408, 429 and 5xx mean "try again later"; the host retries with backoff.
inline bool is_transient_status(long status) {
    return status == 408 || status == 429 || (status >= 500 && status <= 599);
}

// Retry-After in ms from now: delta-seconds, or an HTTP-date read by the
// host's time service; 0 (no advice) when absent, unreadable, past, or the
// host predates the service.
inline int64_t retry_after_ms(const sdk::Host& host, const sdk::HttpResponse& resp) {
    constexpr int64_t kDayMs = 24 * 3600 * 1000;  // the host caps it anyway; this avoids overflow
    const std::string value = resp.header("retry-after");
    if (value.empty()) return 0;
    if (auto secs = parse_non_negative(value)) return *secs > kDayMs / 1000 ? kDayMs : *secs * 1000;
    try {
        int64_t wait = host.parse_time(value, LATCHKEY_TIME_HTTP_DATE) - host.now_ms();
        return wait <= 0 ? 0 : (wait > kDayMs ? kDayMs : wait);
    } catch (const sdk::Error&) {
        return 0;
    }
}

// The category of an RFC 6749 error code, given the HTTP status it came with.
inline latchkey_status oauth_error_status(const std::string& code, long http_status) {
    if (code == "invalid_client" || code == "invalid_grant" || code == "unauthorized_client" ||
        code == "access_denied")
        return LATCHKEY_E_REJECTED;
    if (code == "invalid_scope" || code == "invalid_request" || code == "unsupported_grant_type" ||
        code == "invalid_target")
        return LATCHKEY_E_CONFIG;
    // Not a token-endpoint code in RFC 6749, but servers send them on outages.
    if (code == "temporarily_unavailable" || code == "server_error" ||
        is_transient_status(http_status))
        return LATCHKEY_E_TRANSIENT;
    // An unknown code on 401/403 still says "these credentials don't work".
    if (http_status == 401 || http_status == 403) return LATCHKEY_E_REJECTED;
    return LATCHKEY_E_INTERNAL;
}

// The error for an RFC 6749 error body, whatever HTTP status carried it.
inline sdk::Error oauth_error(const sdk::Host& host, const OAuthError& e,
                              const sdk::HttpResponse& resp,
                              const std::string& what = "token endpoint") {
    std::string msg = what + " refused the request: " + e.code;
    if (!e.description.empty()) msg += ": " + e.description;
    latchkey_status st = oauth_error_status(e.code, resp.status);
    return sdk::Error(st, msg, st == LATCHKEY_E_TRANSIENT ? retry_after_ms(host, resp) : 0);
}

// The error for any answer from `url` that is not a 2xx. `what` names the
// endpoint in messages, `option` the policy option that sets its address.
inline sdk::Error token_endpoint_error(const sdk::Host& host, const std::string& url,
                                       const sdk::HttpResponse& resp,
                                       const std::string& what = "token endpoint",
                                       const std::string& option = "token_url") {
    const std::string where = what + " " + url;
    if (resp.status >= 300 && resp.status <= 399) {
        // The host never follows redirects: a POST carrying a client secret
        // must not be replayed to an address nobody configured.
        std::string location = printable(resp.header("location"));
        if (location.empty())
            return sdk::config_error(where + " answered HTTP " + std::to_string(resp.status) +
                                     " (a redirect without a Location); check " + option);
        return sdk::config_error(where + " redirected to " + location + "; set " + option +
                                 " to the final address");
    }
    if (auto e = parse_oauth_error(resp.body)) return oauth_error(host, *e, resp, what);
    if (is_transient_status(resp.status))
        return sdk::Error(LATCHKEY_E_TRANSIENT,
                          where + " answered HTTP " + std::to_string(resp.status),
                          retry_after_ms(host, resp));
    std::string type = printable(resp.header("content-type"), 100);
    return sdk::internal_error(where + " answered HTTP " + std::to_string(resp.status) + " (" +
                               (type.empty() ? std::string("no content type") : type) + ")");
}

}  // namespace latchkey::common

#endif  // LATCHKEY_COMMON_TOKEN_ERROR_HPP
