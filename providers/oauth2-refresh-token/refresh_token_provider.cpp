// The oauth2-refresh-token provider: starts from a refresh token the policy
// gives (obtained elsewhere: a vendor console, another tool) and owns it
// from then on. Every answer's rotated refresh token goes to the store with
// the access token (the host saves the whole credential before handing the
// token out), and every later refresh uses the stored token, never the
// configured one again.
#include <array>
#include <latchkey/common/client_auth.hpp>
#include <latchkey/common/discovery.hpp>
#include <latchkey/common/grant_params.hpp>
#include <latchkey/common/oauth_client.hpp>
#include <latchkey/common/oauth_options.hpp>
#include <latchkey/common/option_table.hpp>
#include <latchkey/common/refresh_grant.hpp>
#include <latchkey/common/text.hpp>
#include <latchkey/provider.hpp>
#include <string>

#include "seed_token.hpp"

namespace {

using namespace latchkey;

constexpr std::array<latchkey_option, 1> kOwnOptions = {{
    {"refresh_token", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_REQUIRED | LATCHKEY_OPTF_SECRET, nullptr,
     "the refresh token to start from, used once; usually { env = \"...\" }, { file = \"...\" } "
     "or { secret = \"...\" }"},
}};

constexpr std::array<latchkey_option, 1> kClientOfTheToken = {{
    {"client_id", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_REQUIRED | LATCHKEY_OPTF_IDENTITY, nullptr,
     "the client the refresh token was issued to"},
}};

constexpr auto kOptions =
    common::option_table(kOwnOptions, common::oauth_options_with(kClientOfTheToken));

class RefreshTokenProvider : public common::RefreshingOAuthClient {
 public:
    explicit RefreshTokenProvider(sdk::Host& host)
        : RefreshingOAuthClient(host, common::read_client_auth(host)),
          seed_(host, std::string(common::trim(host.require("refresh_token")))) {
        // scopes, audience and resource, when set, go with every exchange.
        refresh_params_ = common::read_grant_params(host);
    }

    // Only when the store holds nothing: exchanges the configured token,
    // unless it was already spent.
    sdk::Credential acquire() {
        if (auto spent = seed_.spent_at_ms())
            throw sdk::config_error(
                "the configured refresh_token was already exchanged (" +
                common::format_utc(*spent / 1000) +
                ") and may not be sent again; the token chain that followed was refused or logged "
                "out; set 'refresh_token' to a new refresh token");
        sdk::Credential c = common::refresh_grant(host_, auth_, endpoints_.token(), seed_.value(),
                                                  {}, refresh_params_);
        seed_.mark_spent();
        return c;
    }

 private:
    refresh_token::SeedToken seed_;
};

}  // namespace

LATCHKEY_PROVIDER(RefreshTokenProvider, "oauth2-refresh-token", "1.0.0",
                  "OAuth 2.0 refresh token grant from a configured refresh token, keeping every "
                  "rotated token (RFC 6749 section 6).",
                  kOptions.data())
