// The oauth2-jwt-bearer provider (RFC 7523 §2.1): the client signs a short
// JWT saying who it acts for and trades it for an access token. Salesforce's
// server-to-server flow is this grant; `instance` fills in its addresses.
//
// No refresh(): the grant issues no refresh token; the host acquires again
// with a fresh assertion.
#include <rapidjson/document.h>

#include <array>
#include <latchkey/common/client_auth.hpp>
#include <latchkey/common/credential.hpp>
#include <latchkey/common/discovery.hpp>
#include <latchkey/common/grant_params.hpp>
#include <latchkey/common/jwt_sign.hpp>
#include <latchkey/common/oauth_client.hpp>
#include <latchkey/common/oauth_options.hpp>
#include <latchkey/common/option_table.hpp>
#include <latchkey/common/text.hpp>
#include <latchkey/common/token_endpoint.hpp>
#include <latchkey/provider.hpp>
#include <string>

#include "salesforce.hpp"

namespace {

using namespace latchkey;

constexpr unsigned kIdentity = LATCHKEY_OPTF_IDENTITY;

constexpr std::array<latchkey_option, 4> kOwnOptions = {{
    {"subject", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_REQUIRED | kIdentity, nullptr,
     "the assertion's subject `sub`: who the token acts for (Salesforce: the username)"},
    {"instance", LATCHKEY_OPT_STRING, kIdentity, nullptr,
     "Salesforce instance (acme.my.salesforce.com): token_url, revocation_url and userinfo_url "
     "default to it, and audience to https://test.salesforce.com for *.sandbox.my.salesforce.com, "
     "else https://login.salesforce.com"},
    {"assertion_lifetime", LATCHKEY_OPT_DURATION, 0, "300",
     "how long the assertion is valid (its `exp`); Salesforce allows at most 3 minutes of skew"},
    common::kTokenLifetimeOption,
}};

// The common OAuth options this grant gives a meaning of its own: the key
// signs the grant's assertion (required), and `audience` is its `aud`.
constexpr std::array<latchkey_option, 6> kAssertionOptions = {{
    {"client_id", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_REQUIRED | kIdentity, nullptr,
     "the assertion's issuer `iss`: the client id (Salesforce: the connected app's consumer key)"},
    {"private_key_file", LATCHKEY_OPT_PATH, LATCHKEY_OPTF_REQUIRED, nullptr,
     "PEM private key that signs the assertion (its certificate is registered at the server)"},
    {"private_key_passphrase", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_SECRET, nullptr,
     "passphrase of an encrypted private_key_file"},
    {"key_id", LATCHKEY_OPT_STRING, 0, nullptr,
     "`kid` header of the assertion, when the server wants one"},
    {"signing_alg", LATCHKEY_OPT_STRING, 0, "RS256",
     "JWS algorithm of the assertion: RS256, RS384, RS512, PS256, ES256 or ES384"},
    {"audience", LATCHKEY_OPT_STRING, kIdentity, nullptr,
     "the assertion's audience `aud`; unset: from 'instance', else the token endpoint"},
}};

constexpr auto kOptions =
    common::option_table(kOwnOptions, common::oauth_options_with(kAssertionOptions));

constexpr const char* kJwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";

class JwtBearerProvider : public common::OAuthClient {
 public:
    explicit JwtBearerProvider(sdk::Host& host)
        // The key signs the grant's assertion, not a client assertion.
        : OAuthClient(host, common::read_client_auth(host, false)),
          subject_(host.require("subject")),
          audience_(std::string(common::trim(host.option_or("audience", "")))),
          scope_(common::read_scope(host)),
          resource_(std::string(common::trim(host.option_or("resource", "")))),
          lifetime_s_(host.integer("assertion_lifetime", 300)),
          token_lifetime_s_(host.integer("token_lifetime", 0)) {
        key_.key_file = host.require("private_key_file");
        key_.passphrase = host.option_or("private_key_passphrase", "");
        key_.key_id = host.option_or("key_id", "");
        key_.alg = host.option_or("signing_alg", "RS256");
        if (!common::is_signing_alg(key_.alg))
            throw sdk::config_error("option 'signing_alg' is \"" + common::printable(key_.alg) +
                                    "\"; valid values: " + common::kSigningAlgs);
        if (lifetime_s_ <= 0)
            throw sdk::config_error("option 'assertion_lifetime' must be positive");

        if (auto instance = host.option("instance"); instance && !common::trim(*instance).empty()) {
            const std::string base = jwt_bearer::instance_base_url(*instance);
            endpoints_.set_fallback("token_url", base + "/services/oauth2/token");
            endpoints_.set_fallback("revocation_url", base + "/services/oauth2/revoke");
            endpoints_.set_fallback("userinfo_url", base + "/services/oauth2/userinfo");
            if (audience_.empty()) audience_ = jwt_bearer::salesforce_audience(*instance);
        }
    }

    sdk::Credential acquire() {
        const std::string token_url = endpoints_.token();
        common::FormFields form = {{"grant_type", kJwtBearerGrant},
                                   {"assertion", assertion(token_url)}};
        if (!scope_.empty()) form.emplace_back("scope", scope_);
        if (!resource_.empty()) form.emplace_back("resource", resource_);
        // Client authentication is optional with this grant (RFC 7523 §3.1)
        // and Salesforce wants none: without it the form carries no client_id.
        sdk::HttpRequest req =
            auth_.method == common::ClientAuthMethod::none
                ? common::token_request(host_, token_url, form)
                : common::client_form_request(host_, auth_, token_url, form, token_url);
        common::TokenResponse t = common::request_token(host_, req);
        common::assume_lifetime(t, host_.now_ms(), token_lifetime_s_);
        sdk::Credential c = common::to_credential(host_, t, "", scope_);
        // Salesforce's `signature` authenticates `id`; it says nothing to a user.
        c.extras.erase("signature");
        return c;
    }

 private:
    // RFC 7523 §3: iss, sub, aud, exp (short), iat.
    std::string assertion(const std::string& token_url) const {
        const int64_t now = host_.now_ms() / 1000;
        rapidjson::Document claims;
        claims.SetObject();
        common::add_string(claims, claims, "iss", auth_.client_id);
        common::add_string(claims, claims, "sub", subject_);
        common::add_string(claims, claims, "aud", audience_.empty() ? token_url : audience_);
        claims.AddMember("iat", now, claims.GetAllocator());
        claims.AddMember("exp", now + lifetime_s_, claims.GetAllocator());
        return common::sign_jwt(host_, key_, claims);
    }

    common::SigningKey key_;
    std::string subject_;
    std::string audience_;
    std::string scope_;
    std::string resource_;
    int64_t lifetime_s_;
    int64_t token_lifetime_s_;
};

}  // namespace

LATCHKEY_PROVIDER(JwtBearerProvider, "oauth2-jwt-bearer", "1.0.0",
                  "OAuth 2.0 JWT bearer grant (RFC 7523 section 2.1), e.g. Salesforce "
                  "server-to-server.",
                  kOptions.data())
