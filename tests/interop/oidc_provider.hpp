// oidc-provider, the certified Node.js OpenID Connect server, as a test
// fixture: tests/interop/oidc_server.mjs run by Node.js from the build tree
// on 127.0.0.1 with a free port, stopped when the object goes.
#pragma once

#include <rapidjson/document.h>

#include <memory>
#include <string>

#include "process.hpp"

namespace latchkey::interop {

// Why the interop tests cannot run here (no Node.js, oidc-provider not
// installed, with npm's own words), or "" when they can.
std::string setup_problem();

// The build tree's copy of a script from tests/interop (beside node_modules).
std::string interop_script(const std::string& name);
// The Node.js the build found.
std::string node_binary();

class OidcProvider {
 public:
    // Starts the server with the client metadata in `clients_file` (see
    // oidc_server.mjs). Throws std::runtime_error, with the reason, when it
    // does not come up within 15 s.
    explicit OidcProvider(const std::string& clients_file);
    ~OidcProvider();

    // http://127.0.0.1:PORT, the issuer; endpoints are under it.
    const std::string& issuer() const { return issuer_; }
    std::string token_url() const { return issuer_ + "/token"; }
    std::string authorization_url() const { return issuer_ + "/auth"; }
    std::string device_authorization_url() const { return issuer_ + "/device/auth"; }
    std::string introspection_url() const { return issuer_ + "/token/introspection"; }
    std::string revocation_url() const { return issuer_ + "/token/revocation"; }
    std::string userinfo_url() const { return issuer_ + "/me"; }

    // What the introspection endpoint says of `token`, asked by the client
    // `client_id` with `secret` (client_secret_basic). A failed call fails
    // the test and returns a null document.
    rapidjson::Document introspect(const std::string& token, const std::string& client_id,
                                   const std::string& secret) const;

    void stop();

 private:
    std::unique_ptr<test::Child> child_;
    std::string issuer_;
};

}  // namespace latchkey::interop
