// Shared pieces of the dev server OAuth tests: a server per test, started with the flags
// the test names, and short ways to reach its endpoints.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "devserver.hpp"
#include "oauth_http.hpp"

namespace latchkey::devtest {

// A confidential and a public client with distinctive values.
inline const std::string kConfidential = "conf-app";
inline const std::string kConfidentialSecret = "conf-Secret-93d1e";
inline const std::string kPublic = "pub-app";

class OAuthTest : public ::testing::Test {
 protected:
    // Starts the server with both clients plus `extra` flags.
    void start(const std::vector<std::string>& extra = {}) {
        std::vector<std::string> args{"--client", kConfidential + ":" + kConfidentialSecret,
                                      "--client", kPublic + ":"};
        args.insert(args.end(), extra.begin(), extra.end());
        server_ = std::make_unique<test::DevServer>(args);
    }
    test::DevServer& server() { return *server_; }
    std::string url(const std::string& path) const { return server_->url() + path; }

    // POST /oauth2/token with `fields`; `basic` = "id:secret" for HTTP Basic.
    Response token(const Fields& fields, const std::string& basic = "") const {
        Request request{"POST",
                        server_->token_url(),
                        {"Content-Type: application/x-www-form-urlencoded"},
                        form_encode(fields),
                        basic,
                        "",
                        "",
                        ""};
        return send(request);
    }
    // The same, authenticated as the confidential client.
    Response confidential_token(Fields fields) const {
        return token(fields, kConfidential + ":" + kConfidentialSecret);
    }

    std::unique_ptr<test::DevServer> server_;
};

}  // namespace latchkey::devtest
