// The oauth2-client-credentials provider (RFC 6749 §4.4): a confidential
// client trades its own id and secret for an access token.
//
// No refresh(): the grant issues no refresh token worth using (§4.4.3), so
// the host simply acquires again. No expired(): the host decides from
// expires_at, which comes from expires_in.
#include <array>
#include <latchkey/common/credential.hpp>
#include <latchkey/common/option_table.hpp>
#include <latchkey/common/text.hpp>
#include <latchkey/common/token_endpoint.hpp>
#include <latchkey/provider.hpp>
#include <string>

#include "settings.hpp"

namespace {

using namespace latchkey;

constexpr unsigned kIdentity = LATCHKEY_OPTF_IDENTITY;

constexpr std::array<latchkey_option, 9> kOwnOptions = {{
    {"token_url", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_REQUIRED | kIdentity, nullptr,
     "the authorization server's token endpoint (https://...)"},
    {"client_id", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_REQUIRED | kIdentity, nullptr,
     "the client identifier issued by the authorization server"},
    {"client_secret", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_SECRET, nullptr,
     "the client secret (client_secret_basic/_post); usually { env = \"...\" } or "
     "{ file = \"...\" }; not needed with private_key_jwt or tls_client_auth"},
    {"auth_method", LATCHKEY_OPT_STRING, 0, nullptr,
     "older name of client_auth (client_secret_basic or client_secret_post); client_auth, when "
     "set, wins; neither: client_secret_basic with a secret"},
    {"scopes", LATCHKEY_OPT_LIST, kIdentity, nullptr,
     "scopes to request, sent space-separated as `scope`; none: the server's default"},
    {"audience", LATCHKEY_OPT_STRING, kIdentity, nullptr,
     "`audience` parameter (Auth0, Okta and others), sent when set"},
    {"resource", LATCHKEY_OPT_STRING, kIdentity, nullptr,
     "`resource` parameter (RFC 8707 resource indicator), sent when set"},
    {"extra_params", LATCHKEY_OPT_LIST, 0, nullptr,
     "additional form parameters as \"name=value\" entries"},
    common::kTokenLifetimeOption,
}};

constexpr auto kOptions = common::option_table(kOwnOptions, common::kClientAuthOptions);

class ClientCredentialsProvider {
 public:
    explicit ClientCredentialsProvider(sdk::Host& host)
        : host_(host),
          s_(client_credentials::read_settings(host)),
          token_lifetime_s_(host.integer("token_lifetime", 0)) {}

    sdk::Credential acquire() {
        common::FormFields form = {{"grant_type", "client_credentials"}};
        s_.grant.append_to(form);
        form.insert(form.end(), s_.extra_params.begin(), s_.extra_params.end());

        common::TokenResponse t = common::request_token(host_, s_.auth, s_.token_url, form);
        common::assume_lifetime(t, host_.now_ms(), token_lifetime_s_);
        // Extras such as Salesforce's instance_url are kept; what was granted
        // may differ from what was asked (a server that omits `scope` granted
        // exactly the request, RFC 6749 §5.1).
        sdk::Credential c = common::to_credential(host_, t, "", s_.grant.scope);
        c.refresh_token.clear();  // not used: see the top of this file
        return c;
    }

 private:
    const sdk::Host& host_;
    client_credentials::Settings s_;
    int64_t token_lifetime_s_;
};

}  // namespace

LATCHKEY_PROVIDER(ClientCredentialsProvider, "oauth2-client-credentials", "1.0.0",
                  "OAuth 2.0 client credentials grant (RFC 6749 section 4.4).", kOptions.data())
