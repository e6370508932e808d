// The two flows where a person signs in (the device flow and the
// authorization code flow with PKCE and a loopback redirect), set up the same
// way so the checks of what follows a login (refresh with rotation, logout
// with revocation, whoami) run against both: each flow's test file has one
// TEST_F per check.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "interop_test.hpp"

namespace latchkey::interop {

enum class Flow { device, auth_code };

// What latchkey keeps for the site in its file store.
struct Stored {
    std::string token;
    std::string refresh_token;
};

class UserFlowTest : public InteropTest {
 protected:
    explicit UserFlowTest(Flow flow, bool with_key_clients = false)
        : InteropTest(with_key_clients), flow_(flow) {}

    // The [sites.op] table for the flow: the server's issuer (endpoints by
    // discovery), the flow's client, scopes openid, email and offline_access;
    // `extra` lines go inside it.
    std::string site(const std::string& extra = "") const;
    // The same table with every endpoint the flow uses given outright
    // (no issuer, so no discovery) and scopes openid and offline_access.
    std::string site_with_endpoints() const;
    // The client the flow's site uses.
    const std::string& client() const;

    // `latchkey login` with the scripted user agent as the browser, in the
    // mode the flow needs, with `agent_args` (e.g. --deny).
    test::RunResult login(const std::vector<std::string>& agent_args = {});
    // login() that must succeed; returns what was stored.
    Stored logged_in();

    // The one credential in the sandbox's file store, if there is one.
    std::optional<Stored> stored() const;

    // The checks both flows run (user_flow_checks.cpp).
    void login_gets_a_token_the_server_issued_to_the_person();
    void token_before_any_login_says_to_log_in();
    void refresh_rotates_the_refresh_token_and_keeps_the_newest();
    void logout_revokes_at_the_server();
    void whoami_shows_the_person_from_userinfo();
    void a_denied_login_fails_and_stores_nothing();

 private:
    const Flow flow_;
};

}  // namespace latchkey::interop

// One TEST_F per check both flows run the same way, for a fixture derived
// from UserFlowTest (the login check is left to each file, which may add to it).
#define LATCHKEY_USER_FLOW_CHECKS(Fixture)                                                         \
    TEST_F(Fixture, TokenBeforeAnyLoginSaysToLogIn) { token_before_any_login_says_to_log_in(); }   \
    TEST_F(Fixture, RefreshRotatesTheRefreshTokenAndKeepsTheNewest) {                              \
        refresh_rotates_the_refresh_token_and_keeps_the_newest();                                  \
    }                                                                                              \
    TEST_F(Fixture, LogoutRevokesAtTheServer) { logout_revokes_at_the_server(); }                  \
    TEST_F(Fixture, WhoamiShowsThePersonFromUserinfo) { whoami_shows_the_person_from_userinfo(); } \
    TEST_F(Fixture, ADeniedLoginFailsAndStoresNothing) {                                           \
        a_denied_login_fails_and_stores_nothing();                                                 \
    }
