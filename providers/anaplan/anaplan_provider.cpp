// The anaplan provider: Anaplan's token service (auth.anaplan.com). Logs in
// with HTTP Basic (email and password) or with a CA certificate and its
// private key (a signed nonce, see certificate_login.hpp), refreshes through
// /token/refresh, ends it through /token/logout on `latchkey logout`, and
// presents the token as "Authorization: AnaplanAuthToken <token>". Tokens
// live about 35 minutes.
#include <latchkey/common/text.hpp>
#include <latchkey/common/token_error.hpp>
#include <latchkey/provider.hpp>
#include <string>

#include "anaplan_response.hpp"
#include "certificate_login.hpp"

namespace {

using namespace latchkey;

constexpr const char* kScheme = "AnaplanAuthToken";

// No option says which login to use: certificate_file means a certificate
// login, email (with password) a basic one.
const latchkey_option kOptions[] = {
    {"base_url", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_IDENTITY, "https://auth.anaplan.com",
     "Anaplan's authentication service; another region's, or a test server"},
    {"email", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_IDENTITY, nullptr,
     "basic login: the user's email address"},
    {"password", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_SECRET, nullptr,
     "basic login: the user's password; usually { env = \"...\" }"},
    {"certificate_file", LATCHKEY_OPT_PATH, LATCHKEY_OPTF_IDENTITY, nullptr,
     "certificate login: PEM file of the CA-issued certificate registered with Anaplan"},
    {"private_key_file", LATCHKEY_OPT_PATH, 0, nullptr,
     "certificate login: PEM file of the certificate's RSA private key"},
    {"private_key_passphrase", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_SECRET, nullptr,
     "passphrase of an encrypted private_key_file"},
    {"encoded_data_format", LATCHKEY_OPT_STRING, 0, "v2",
     "\"v2\" signs the time and 150 random bytes (against replay; required by Anaplan since "
     "June 2026); \"v1\" the random bytes alone, for a server that still takes it"},
    {},
};

class AnaplanProvider {
 public:
    // Every option is checked here, so `latchkey config check` names a bad one.
    explicit AnaplanProvider(sdk::Host& host) : host_(host) {
        base_url_ = std::string(common::trim(host.require("base_url")));
        while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
        const std::string format = host.option_or("encoded_data_format", "v2");
        if (format != "v1" && format != "v2")
            throw sdk::config_error("encoded_data_format must be \"v1\" or \"v2\", not \"" +
                                    common::printable(format, 40) + "\"");
        certificate_ = host.option("certificate_file").has_value();
        if (certificate_ && host.option("email"))
            throw sdk::config_error(
                "set certificate_file (a certificate login) or email and password (a basic "
                "login), not both");
        if (certificate_) {
            cert_.certificate_file = host.require("certificate_file");
            cert_.private_key_file = host.require("private_key_file");
            cert_.v2 = format == "v2";
        } else {
            if (!host.option("email"))
                throw sdk::config_error(
                    "set email and password (a basic login) or certificate_file and "
                    "private_key_file (a certificate login)");
            email_ = host.require("email");
            host.require("password");
        }
    }

    sdk::Credential acquire() {
        sdk::HttpRequest req;
        req.url = base_url_ + "/token/authenticate";
        req.headers = {"Accept: application/json"};
        if (certificate_) {
            // Read at each login: the passphrase is a secret and a renewed
            // certificate file is picked up without a restart.
            cert_.private_key_passphrase = host_.option_or("private_key_passphrase", "");
            req.headers.push_back(anaplan::certificate_header(host_, cert_));
            req.headers.push_back("Content-Type: application/json");
            req.body = anaplan::certificate_login_body(host_, cert_);
        } else {
            req.basic_auth = {{email_, host_.require("password")}};
        }
        return credential(send(req, "Anaplan login"));
    }

    // Anaplan renews a live token in exchange for itself. A refused refresh
    // (the token was revoked or has expired) makes the host log in again.
    sdk::Credential refresh(const sdk::Current& current) {
        sdk::HttpRequest req;
        req.url = base_url_ + "/token/refresh";
        req.headers = {"Accept: application/json",
                       std::string("Authorization: ") + kScheme + " " + current.token};
        return credential(send(req, "Anaplan token refresh"));
    }

    // `latchkey logout`: POST /token/logout ends the token at Anaplan too.
    // A token the server no longer knows is already gone, so 401 is fine.
    void revoke(const sdk::Current& current) {
        sdk::HttpRequest req;
        req.url = base_url_ + "/token/logout";
        req.headers = {"Accept: application/json",
                       std::string("Authorization: ") + kScheme + " " + current.token};
        sdk::HttpResponse resp = host_.http(req);
        if ((resp.status < 200 || resp.status > 299) && resp.status != 401)
            throw sdk::Error(
                common::is_transient_status(resp.status) ? LATCHKEY_E_TRANSIENT
                                                         : LATCHKEY_E_INTERNAL,
                "Anaplan logout at " + req.url + " answered HTTP " + std::to_string(resp.status));
    }

 private:
    anaplan::AnaplanToken send(const sdk::HttpRequest& req, const std::string& what) {
        sdk::HttpResponse resp = host_.http(req);
        return anaplan::parse_token_response(host_, what + " at " + req.url, resp);
    }

    sdk::Credential credential(const anaplan::AnaplanToken& t) const {
        sdk::Credential c;
        c.token = t.value;
        c.token_type = kScheme;
        c.expires_at_ms = t.expires_at_ms;
        // Anaplan renews a token with the token itself. The host refreshes
        // only credentials that carry a refresh token, so the token is
        // recorded as its own refresh token.
        c.refresh_token = t.value;
        return c;
    }

    const sdk::Host& host_;
    std::string base_url_;
    bool certificate_ = false;
    std::string email_;
    anaplan::CertificateSettings cert_;
};

}  // namespace

LATCHKEY_PROVIDER(AnaplanProvider, "anaplan", "1.0.0",
                  "Anaplan's token service: basic or CA-certificate login, AnaplanAuthToken.",
                  kOptions)
