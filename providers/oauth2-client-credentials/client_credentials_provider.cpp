// The oauth2-client-credentials provider (RFC 6749 §4.4): a confidential
// client trades its own id and secret for an access token.
//
// No refresh(): the grant issues no refresh token worth using (§4.4.3), so
// the host simply acquires again. No expired(): the host decides from
// expires_at, which comes from expires_in.
#include <array>
#include <latchkey/common/credential.hpp>
#include <latchkey/common/oauth_client.hpp>
#include <latchkey/common/oauth_options.hpp>
#include <latchkey/common/option_table.hpp>
#include <latchkey/common/token_endpoint.hpp>
#include <latchkey/provider.hpp>
#include <string>

#include "settings.hpp"

namespace {

using namespace latchkey;

constexpr std::array<latchkey_option, 2> kOwnOptions = {{
    {"extra_params", LATCHKEY_OPT_LIST, 0, nullptr,
     "additional form parameters as \"name=value\" entries"},
    common::kTokenLifetimeOption,
}};

// A confidential client most often authenticates with a secret; the common
// entry is restated only to say so.
constexpr std::array<latchkey_option, 1> kSecretFirst = {{
    {"client_secret", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_SECRET, nullptr,
     "the client secret (client_secret_basic/_post); usually { env = \"...\" } or "
     "{ file = \"...\" }; not needed with private_key_jwt or tls_client_auth"},
}};

constexpr auto kOptions =
    common::option_table(kOwnOptions, common::oauth_options_with(kSecretFirst));

// revoke() and whoami() come from OAuthClient, like every OAuth provider's.
class ClientCredentialsProvider : public common::OAuthClient {
 public:
    explicit ClientCredentialsProvider(sdk::Host& host)
        : OAuthClient(host, common::read_client_auth(host)),
          s_(client_credentials::read_settings(host)),
          token_lifetime_s_(host.integer("token_lifetime", 0)) {
        // Without an issuer this asks nothing of the network, and names the
        // missing option now, for `latchkey config check`.
        if (endpoints_.issuer().empty()) endpoints_.token();
    }

    sdk::Credential acquire() {
        common::FormFields form = {{"grant_type", "client_credentials"}};
        s_.grant.append_to(form);
        form.insert(form.end(), s_.extra_params.begin(), s_.extra_params.end());

        // token_url, else the issuer's metadata (fetched once, then cached).
        common::TokenResponse t = common::request_token(host_, auth_, endpoints_.token(), form);
        common::assume_lifetime(t, host_.now_ms(), token_lifetime_s_);
        // Extras such as Salesforce's instance_url are kept; what was granted
        // may differ from what was asked (a server that omits `scope` granted
        // exactly the request, RFC 6749 §5.1).
        sdk::Credential c = common::to_credential(host_, t, "", s_.grant.scope);
        c.refresh_token.clear();  // not used: see the top of this file
        return c;
    }

 private:
    client_credentials::Settings s_;
    int64_t token_lifetime_s_;
};

}  // namespace

LATCHKEY_PROVIDER(ClientCredentialsProvider, "oauth2-client-credentials", "1.0.0",
                  "OAuth 2.0 client credentials grant (RFC 6749 section 4.4).", kOptions.data())
