// The provider methods every OAuth provider implements the same way. A
// provider derives from one of these and adds its own acquire():
//
//   OAuthClient            revoke (logout) and whoami
//   RefreshingOAuthClient  those, and refresh with the stored refresh token
//
// The SDK finds the inherited methods as if the provider declared them.
#ifndef LATCHKEY_COMMON_OAUTH_CLIENT_HPP
#define LATCHKEY_COMMON_OAUTH_CLIENT_HPP

#include <latchkey/common/account.hpp>
#include <latchkey/common/client_auth.hpp>
#include <latchkey/common/discovery.hpp>
#include <latchkey/common/grant_params.hpp>
#include <latchkey/common/refresh_grant.hpp>
#include <latchkey/provider.hpp>
#include <string>
#include <utility>

namespace latchkey::common {

class OAuthClient {
 public:
    void revoke(const sdk::Current& current) {
        revoke_credential(host_, auth_, endpoints_, current);
    }
    std::string whoami(const sdk::Current& current) {
        return whoami_json(host_, endpoints_, current);
    }

 protected:
    OAuthClient(const sdk::Host& host, ClientAuth auth)
        : host_(host), auth_(std::move(auth)), endpoints_(host) {}

    const sdk::Host& host_;
    ClientAuth auth_;
    Endpoints endpoints_;
};

class RefreshingOAuthClient : public OAuthClient {
 public:
    // A credential without a refresh token cannot be renewed: rejected, so
    // the host erases it and acquires again.
    sdk::Credential refresh(const sdk::Current& current) {
        if (!current.refresh_token || current.refresh_token->empty())
            throw sdk::rejected("the stored credential has no refresh token");
        return refresh_grant(host_, auth_, endpoints_.token(), *current.refresh_token,
                             current.extras, refresh_params_);
    }

 protected:
    using OAuthClient::OAuthClient;

    // Sent with every refresh; empty unless the provider sets them (a grant
    // whose scope was fixed at login sends none).
    GrantParams refresh_params_;
};

}  // namespace latchkey::common

#endif  // LATCHKEY_COMMON_OAUTH_CLIENT_HPP
