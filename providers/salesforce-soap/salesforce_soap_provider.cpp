// The salesforce-soap provider: Salesforce's partner API `login` call
// (POST {base_url}/services/Soap/u/{api_version}) with a username and the
// password followed by the user's security token. The session id is the
// token (sent as a Bearer token to the REST API); the server URL's origin is
// kept as the credential's instance_url, where the REST API lives. Sessions
// have no refresh: the host logs in again when one ends.
#include <latchkey/common/text.hpp>
#include <latchkey/common/token_error.hpp>
#include <latchkey/provider.hpp>
#include <stdexcept>
#include <string>
#include <variant>

#include "soap_envelope.hpp"
#include "soap_response.hpp"

namespace {

using namespace latchkey;

const latchkey_option kOptions[] = {
    {"base_url", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_IDENTITY, "https://login.salesforce.com",
     "where to log in: https://login.salesforce.com, https://test.salesforce.com (sandboxes) or "
     "the org's My Domain URL"},
    {"api_version", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_IDENTITY, "60.0",
     "SOAP API version in the login URL"},
    {"username", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_REQUIRED | LATCHKEY_OPTF_IDENTITY, nullptr,
     "the Salesforce username"},
    {"password", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_REQUIRED | LATCHKEY_OPTF_SECRET, nullptr,
     "the user's password; usually { env = \"...\" }"},
    {"security_token", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_SECRET, nullptr,
     "the user's security token, appended to the password (not needed from trusted IP ranges)"},
    {},
};

// Codes that mean "these credentials do not work": never retried.
bool is_login_refusal(const std::string& code) {
    return code == "INVALID_LOGIN" || code == "LOGIN_MUST_USE_SECURITY_TOKEN" ||
           code == "PASSWORD_LOCKOUT" || code == "INVALID_OPERATION_WITH_EXPIRED_PASSWORD" ||
           code == "LOGIN_DURING_RESTRICTED_DOMAIN" || code == "INVALID_SESSION_ID";
}

// Codes Salesforce sends on overload or maintenance: worth retrying.
bool is_outage(const std::string& code) {
    return code == "REQUEST_LIMIT_EXCEEDED" || code == "SERVER_UNAVAILABLE" ||
           code == "UNKNOWN_EXCEPTION";
}

// "https://na1.my.salesforce.com" from "https://na1.my.salesforce.com/services/Soap/u/...":
// the REST API lives at the instance's origin.
std::string origin_of(const std::string& url) {
    const auto scheme = url.find("://");
    if (scheme == std::string::npos || scheme == 0) return "";
    const auto path = url.find_first_of("/?#", scheme + 3);
    std::string origin = url.substr(0, path);
    return origin.size() > scheme + 3 ? origin : "";
}

class SalesforceSoapProvider {
 public:
    explicit SalesforceSoapProvider(sdk::Host& host) : host_(host) {
        std::string base(common::trim(host.require("base_url")));
        while (!base.empty() && base.back() == '/') base.pop_back();
        if (origin_of(base).empty())
            throw sdk::config_error(
                "base_url '" + common::printable(base, 100) +
                "' is not an absolute URL such as https://login.salesforce.com");
        url_ = base + "/services/Soap/u/" + host.require("api_version");
        username_ = host.require("username");
        // Read at each login (kept no longer than needed), checked here so a
        // site without one fails when it is made, as every missing option does.
        host.require("password");
    }

    sdk::Credential acquire() {
        const std::string secret =
            host_.require("password") + host_.option_or("security_token", "");
        // The concatenation is a secret the host does not know of yet.
        host_.add_secret(secret);
        sdk::HttpRequest req;
        req.url = url_;
        req.headers = {"Content-Type: text/xml; charset=UTF-8", "SOAPAction: login",
                       "Accept: text/xml"};
        try {
            req.body = salesforce::login_envelope(username_, secret);
        } catch (const std::runtime_error& e) {
            throw sdk::config_error(where() + ": " + e.what());
        }
        sdk::HttpResponse resp = host_.http(req);
        return read(resp);
    }

 private:
    std::string where() const { return "Salesforce login at " + url_; }

    sdk::Credential read(const sdk::HttpResponse& resp) const {
        salesforce::LoginAnswer answer = salesforce::parse_login_response(resp.body);
        if (auto* r = std::get_if<salesforce::LoginResult>(&answer)) {
            host_.add_secret(r->session_id);
            if (resp.status < 200 || resp.status > 299)
                throw sdk::internal_error(where() + " failed: HTTP " + std::to_string(resp.status) +
                                          " with a loginResponse");
            return credential(*r);
        }
        if (auto* f = std::get_if<salesforce::SoapFault>(&answer)) {
            const std::string code = common::printable(f->exception_code, 80);
            std::string msg = where() + " failed: " + code;
            if (!f->exception_message.empty())
                msg += ": " + common::printable(f->exception_message);
            if (is_login_refusal(code)) throw sdk::rejected(msg);
            if (is_outage(code) || common::is_transient_status(resp.status))
                throw sdk::Error(LATCHKEY_E_TRANSIENT, msg, common::retry_after_ms(host_, resp));
            throw sdk::internal_error(msg);
        }
        const std::string& reason = std::get<salesforce::Unreadable>(answer).reason;
        const std::string msg = where() + " answered HTTP " + std::to_string(resp.status) +
                                " with a body that cannot be read: " + common::printable(reason);
        if (common::is_transient_status(resp.status))
            throw sdk::Error(LATCHKEY_E_TRANSIENT, msg, common::retry_after_ms(host_, resp));
        throw sdk::internal_error(msg);
    }

    sdk::Credential credential(const salesforce::LoginResult& r) const {
        if (r.password_expired)
            throw sdk::rejected(where() + ": the password of " + username_ +
                                " has expired; change it in Salesforce, then update the policy");
        const std::string instance = origin_of(r.server_url);
        if (instance.empty())
            throw sdk::internal_error(where() + " returned a serverUrl that is not a URL: " +
                                      common::printable(r.server_url, 200));
        sdk::Credential c;
        c.token = r.session_id;
        c.token_type = "Bearer";
        // Salesforce's default session timeout is 2 hours; used if the answer omits it.
        const int64_t seconds = r.session_seconds_valid > 0 ? r.session_seconds_valid : 7200;
        auto expires = common::ms_after(host_.now_ms(), seconds);
        if (!expires)
            throw sdk::internal_error(where() + " returned a sessionSecondsValid of " +
                                      std::to_string(seconds) +
                                      ", which ends after the year 9999; it is not a lifetime");
        c.expires_at_ms = *expires;
        c.extras["instance_url"] = instance;
        return c;
    }

    const sdk::Host& host_;
    std::string url_;
    std::string username_;
};

}  // namespace

LATCHKEY_PROVIDER(SalesforceSoapProvider, "salesforce-soap", "1.0.0",
                  "Salesforce SOAP login (username, password and security token); keeps "
                  "instance_url.",
                  kOptions)
