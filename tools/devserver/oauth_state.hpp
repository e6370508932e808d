// What the user-facing OAuth flows remember between requests. One instance per server,
// cleared by POST /admin/reset.
#pragma once

#include "authorization_store.hpp"
#include "device_store.hpp"
#include "refresh_tokens.hpp"
#include "signing_key.hpp"

namespace devserver {

struct OAuthState {
    RefreshStore refresh;
    DeviceStore devices;
    AuthorizationStore authorizations;
    // Kept across /admin/reset: clients may have cached the JWKS.
    SigningKey id_token_key;

    void clear() {
        authorizations.clear();
        refresh.clear();
        devices.clear();
    }
};

}  // namespace devserver
