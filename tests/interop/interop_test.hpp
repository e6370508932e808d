// What every interop test shares: the CLI sandbox of the integration tests
// (cli_test.hpp) plus a fresh oidc-provider with the clients below, client
// keys made with the openssl CLI, introspection as a resource server would
// do it, and the scripted user agent as $BROWSER.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli_test.hpp"
#include "oidc_provider.hpp"

namespace latchkey::interop {

// The clients registered at the server. Distinctive secrets, so a leak
// cannot hide behind an ordinary word.
inline const std::string kBasicClient = "cc-basic";
inline const std::string kBasicSecret = "Interop-basic-5e0c7a91d2f4b836";
inline const std::string kPostClient = "cc-post";
inline const std::string kPostSecret = "Interop-post-a81f3c6d09e2b475";
inline const std::string kJwtRsaClient = "cc-jwt-rs256";   // private_key_jwt, RSA key
inline const std::string kJwtEcClient = "cc-jwt-es256";    // private_key_jwt, P-256 key
inline const std::string kDeviceClient = "device-app";     // public; device code + refresh
inline const std::string kDeviceJwtClient = "device-jwt";  // the same, private_key_jwt ES256
inline const std::string kNativeClient = "native-app";     // public; code + PKCE + refresh
// A resource server: it only asks the introspection endpoint about tokens.
inline const std::string kResourceServer = "resource-server";
inline const std::string kResourceSecret = "Interop-rs-3b9d07e6c15af248";
// The variable the policies read a client secret from.
inline const std::string kSecretVar = "INTEROP_CLIENT_SECRET";
// Who the scripted user agent signs in as (any name is an account).
inline const std::string kUser = "alice";

// PEM files made once per test program with the openssl CLI.
struct ClientKeys {
    std::string rsa_private, rsa_public;  // RSA 2048, for kJwtRsaClient
    std::string ec_private, ec_public;    // P-256, for kJwtEcClient
    std::string stranger_ec_private;      // P-256, registered nowhere
};
const ClientKeys& client_keys();

class InteropTest : public itest::CliTest {
 protected:
    // `with_key_clients`: also register the private_key_jwt clients (and
    // make their keys first).
    explicit InteropTest(bool with_key_clients = false) : with_key_clients_(with_key_clients) {}

    // Starts the server (a test fails, never skips, when it cannot).
    void SetUp() override;
    void TearDown() override;

    const OidcProvider& op() const { return *op_; }

    // A client-credentials [sites.NAME] table for `client` at the token
    // endpoint; `extra` lines go inside the table.
    std::string cc_site(const std::string& name, const std::string& client,
                        const std::string& extra = "") const;

    // `latchkey ARGS token`, which must succeed with one line: the token.
    std::string token(const std::vector<std::string>& args = {});

    // The introspection endpoint's answer about `token`, asked by the resource server.
    rapidjson::Document introspect(const std::string& token) const;
    // Whether the introspection endpoint calls `token` active.
    bool active(const std::string& token) const;

    // A $BROWSER command (a script in the sandbox) that runs the scripted
    // user agent: user_agent.mjs MODE URL ARGS, its output appended to
    // user_agent_log().
    std::string browser(const std::string& mode, const std::vector<std::string>& args = {}) const;
    std::string user_agent_log() const;

    std::unique_ptr<OidcProvider> op_;

 private:
    const bool with_key_clients_;
};

}  // namespace latchkey::interop
