// Step one of the device authorization grant (RFC 8628 §3.1-3.2): ask the
// server for a device code and the user code a person enters.
#ifndef LATCHKEY_DEVICE_CODE_DEVICE_AUTHORIZATION_HPP
#define LATCHKEY_DEVICE_CODE_DEVICE_AUTHORIZATION_HPP

#include <rapidjson/document.h>

#include <algorithm>
#include <cstdint>
#include <latchkey/common/bounded_json.hpp>
#include <latchkey/common/client_auth.hpp>
#include <latchkey/common/json.hpp>
#include <latchkey/common/text.hpp>
#include <latchkey/common/token_error.hpp>
#include <latchkey/provider.hpp>
#include <string>

namespace latchkey::device_code {

struct DeviceAuthorization {
    std::string device_code;  // a secret: it alone can claim the token
    std::string user_code;
    std::string verification_uri;
    std::string verification_uri_complete;  // "" when the server gave none
    int64_t expires_at_ms = 0;
    int64_t interval_ms = 5000;  // RFC 8628 §3.2 default
};

namespace detail {

// A positive number of seconds as milliseconds. Fractions are honoured (a
// test server polls every 0.2 s); nonsense falls back to the RFC default.
inline int64_t ms_or(const rapidjson::Value& doc, const char* key, int64_t fallback_s) {
    const rapidjson::Value* v = common::member(doc, key);
    if (!v || !v->IsNumber()) return fallback_s * 1000;
    double s = v->GetDouble();
    if (!(s > 0) || s > 86400.0) return fallback_s * 1000;
    return static_cast<int64_t>(s * 1000);
}

}  // namespace detail

// POSTs the request to `url` (client authentication as at the token
// endpoint, RFC 8628 §3.1) and reads the answer.
inline DeviceAuthorization request_device_authorization(const sdk::Host& host,
                                                        const common::ClientAuth& auth,
                                                        const std::string& url,
                                                        const std::string& token_url,
                                                        const common::FormFields& form) {
    sdk::HttpRequest req = common::client_form_request(host, auth, url, form, token_url);
    sdk::HttpResponse resp = host.http(req, {"content-type", "retry-after", "location"});
    if (resp.status < 200 || resp.status > 299)
        throw common::token_endpoint_error(host, url, resp, "device authorization endpoint",
                                           "device_authorization_url");

    const std::string invalid =
        "device authorization endpoint " + url + " returned an invalid response: ";
    rapidjson::Document doc;
    if (auto problem = common::parse_bounded_json(doc, resp.body))
        throw sdk::internal_error(invalid + "not a JSON object (" +
                                  common::printable(resp.header("content-type"), 100) + ": " +
                                  problem->describe() + ")");
    if (!doc.IsObject())
        throw sdk::internal_error(invalid + "not a JSON object (" +
                                  common::printable(resp.header("content-type"), 100) + ")");
    const rapidjson::Value* device_code = common::string_member(doc, "device_code");
    if (device_code) host.add_secret(device_code->GetString());
    const rapidjson::Value* user_code = common::string_member(doc, "user_code");
    // Some servers (Google) say verification_url.
    const rapidjson::Value* uri = common::string_member(doc, "verification_uri");
    if (!uri) uri = common::string_member(doc, "verification_url");
    if (!device_code || !user_code || !uri)
        throw sdk::internal_error(invalid + "device_code, user_code or verification_uri missing");

    DeviceAuthorization d;
    d.device_code = device_code->GetString();
    d.user_code = common::printable(user_code->GetString(), 100);
    d.verification_uri = common::printable(uri->GetString());
    if (const rapidjson::Value* c = common::string_member(doc, "verification_uri_complete"))
        d.verification_uri_complete = common::printable(c->GetString());
    // expires_in is required; a server that leaves it out gets RFC 8628's
    // example lifetime rather than an endless wait.
    d.expires_at_ms = host.now_ms() + detail::ms_or(doc, "expires_in", 1800);
    // A server that says 0 would have us poll in a tight loop.
    d.interval_ms = std::max<int64_t>(detail::ms_or(doc, "interval", 5), 100);
    return d;
}

}  // namespace latchkey::device_code

#endif  // LATCHKEY_DEVICE_CODE_DEVICE_AUTHORIZATION_HPP
