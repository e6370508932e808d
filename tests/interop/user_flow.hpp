// The two flows where a person signs in (the device flow and the
// authorization code flow with PKCE and a loopback redirect), set up the same
// way so the tests of what follows a login (refresh with rotation, logout
// with revocation, whoami) run against both.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "interop_test.hpp"

namespace latchkey::interop {

enum class Flow { device, auth_code };

// "device" / "auth_code", for test names.
std::string flow_name(Flow flow);
// How GoogleTest shows a Flow parameter.
void PrintTo(Flow flow, std::ostream* out);

// What latchkey keeps for the site in its file store.
struct Stored {
    std::string token;
    std::string refresh_token;
};

class UserFlowTest : public InteropTest {
 protected:
    // The [sites.op] table for `flow` (scopes openid, email, offline_access);
    // `extra` lines go inside it.
    std::string site(Flow flow, const std::string& extra = "") const;
    // The client `flow`'s site uses.
    static const std::string& client_of(Flow flow);

    // `latchkey login` with the scripted user agent as the browser, in the
    // mode `flow` needs, with `agent_args` (e.g. --deny).
    test::RunResult login(Flow flow, const std::vector<std::string>& agent_args = {});
    // login() that must succeed; returns what was stored.
    Stored logged_in(Flow flow);

    // The one credential in the sandbox's file store, if there is one.
    std::optional<Stored> stored() const;
};

// The same tests for each flow: TEST_P(UserFlows, ...) with GetParam().
class UserFlows : public UserFlowTest, public ::testing::WithParamInterface<Flow> {};

}  // namespace latchkey::interop
