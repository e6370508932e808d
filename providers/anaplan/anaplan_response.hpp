// Reads the answer of Anaplan's token service (/token/authenticate and
// /token/refresh): {"status": "SUCCESS", "tokenInfo": {"tokenValue": ...,
// "expiresAt": <epoch ms>}} on success, {"status": ..., "statusMessage": ...}
// on failure. The message shown to the user is the server's statusMessage,
// never the body: a body may carry a token.
#ifndef LATCHKEY_ANAPLAN_RESPONSE_HPP
#define LATCHKEY_ANAPLAN_RESPONSE_HPP

#include <rapidjson/document.h>

#include <cmath>
#include <cstdint>
#include <latchkey/common/bounded_json.hpp>
#include <latchkey/common/json.hpp>
#include <latchkey/common/text.hpp>
#include <latchkey/common/token_error.hpp>
#include <latchkey/provider.hpp>
#include <string>

namespace latchkey::anaplan {

// Anaplan tokens live 35 minutes; used when a server leaves expiresAt out.
constexpr int64_t kDefaultLifetimeMs = 35 * 60 * 1000;

struct AnaplanToken {
    std::string value;
    int64_t expires_at_ms = 0;
};

namespace detail {

// "statusMessage (status)" from a failure body, or "" when it has neither.
inline std::string status_text(const rapidjson::Document& doc) {
    std::string out;
    if (const rapidjson::Value* m = common::string_member(doc, "statusMessage"))
        out = common::printable(m->GetString());
    if (const rapidjson::Value* s = common::string_member(doc, "status")) {
        std::string status = common::printable(s->GetString(), 80);
        out = out.empty() ? status : out + " (" + status + ")";
    }
    return out;
}

// The category for a failed answer: bad credentials are never retried, an
// outage is.
inline latchkey_status failure_status(long http_status) {
    if (http_status == 401 || http_status == 403) return LATCHKEY_E_REJECTED;
    if (common::is_transient_status(http_status)) return LATCHKEY_E_TRANSIENT;
    return LATCHKEY_E_INTERNAL;
}

}  // namespace detail

// Parses `resp`, the answer of `what` (e.g. "Anaplan login at https://...")
// for site `site`. Registers the token for redaction before anything else.
inline AnaplanToken parse_token_response(const sdk::Host& host, const std::string& what,
                                         const sdk::HttpResponse& resp) {
    rapidjson::Document doc;
    const auto problem = common::parse_bounded_json(doc, resp.body);
    const bool is_object = !problem && doc.IsObject();
    const rapidjson::Value* info = is_object ? common::member(doc, "tokenInfo") : nullptr;
    const rapidjson::Value* value =
        info && info->IsObject() ? common::string_member(*info, "tokenValue") : nullptr;
    if (value) host.add_secret(value->GetString());
    // Neither is used, but both would let someone renew the session.
    if (info && info->IsObject())
        for (const char* name : {"refreshTokenId", "refreshToken"})
            if (const rapidjson::Value* r = common::string_member(*info, name))
                host.add_secret(r->GetString());

    const bool ok = resp.status >= 200 && resp.status <= 299;
    if (!ok || !value || value->GetStringLength() == 0) {
        std::string reason = is_object ? detail::status_text(doc) : std::string();
        if (reason.empty() && ok && problem)
            reason = "the answer is not JSON (" + problem->describe() + ")";
        else if (reason.empty())
            reason = ok ? "the answer has no tokenInfo.tokenValue"
                        : "HTTP " + std::to_string(resp.status) +
                              (is_object ? "" : " with a body that is not JSON");
        else if (!ok)
            reason += ", HTTP " + std::to_string(resp.status);
        latchkey_status st = ok ? LATCHKEY_E_INTERNAL : detail::failure_status(resp.status);
        throw sdk::Error(st, what + " failed: " + reason,
                         st == LATCHKEY_E_TRANSIENT ? common::retry_after_ms(host, resp) : 0);
    }

    AnaplanToken out;
    out.value = value->GetString();
    const rapidjson::Value* expires = common::member(*info, "expiresAt");
    if (expires && expires->IsNumber() && expires->GetDouble() > 0) {
        // Epoch milliseconds; anything past year 9999 (or not finite) cannot
        // be an expiry and would overflow as an integer.
        const double ms = expires->GetDouble();
        if (!(ms <= static_cast<double>(common::kLatestUnixMs)))
            throw sdk::internal_error(what + " failed: tokenInfo.expiresAt " +
                                      common::to_json(*expires) +
                                      " is not a time before the year 10000 (epoch milliseconds)");
        out.expires_at_ms = static_cast<int64_t>(ms);
    } else {
        out.expires_at_ms = host.now_ms() + kDefaultLifetimeMs;
    }
    return out;
}

}  // namespace latchkey::anaplan

#endif  // LATCHKEY_ANAPLAN_RESPONSE_HPP
