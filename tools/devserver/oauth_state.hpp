// What the user-facing OAuth flows remember between requests. One instance per server,
// cleared by POST /admin/reset.
#pragma once

#include "authorization_store.hpp"
#include "device_store.hpp"
#include "jti_cache.hpp"
#include "refresh_tokens.hpp"
#include "signing_key.hpp"

namespace devserver {

struct OAuthState {
    RefreshStore refresh;
    DeviceStore devices;
    AuthorizationStore authorizations;
    JtiCache jtis;  // client assertions and bearer assertions already presented
    // Kept across /admin/reset: clients may have cached the JWKS.
    SigningKey id_token_key;

    void clear() {
        authorizations.clear();
        refresh.clear();
        devices.clear();
        jtis.clear();
    }
};

}  // namespace devserver
