// The dev server's request log (stderr) names method, path and status only: no secret,
// token, code or query string from any flow reaches it.
#include <regex>
#include <sstream>
#include <string>

#include "oauth_test.hpp"
#include "process.hpp"
#include "temp_dir.hpp"
#include "test_crypto.hpp"

namespace latchkey::devtest {
namespace {

TEST(DevServerRequestLog, HoldsNoSecretsTokensOrQueries) {
    test::TempDir dir;
    const std::string log = dir.file("server.log");
    test::Child child({"/bin/sh", "-c",
                       std::string("exec '") + LATCHKEY_DEVSERVER_PATH +
                           "' --port 0 --client conf:Conf-Secret-771 --client pub: "
                           "--setting auto_consent=true 2>'" +
                           log + "'"});
    const auto line = child.read_line(10'000);
    ASSERT_TRUE(line && line->find("listening on ") != std::string::npos);
    const std::string base = line->substr(line->find("listening on ") + 13);

    const std::string verifier = "Log-Verifier-0123456789-0123456789-0123456789";
    const auto cc = send(Request{"POST",
                                 base + "/oauth2/token",
                                 {"Content-Type: application/x-www-form-urlencoded"},
                                 "grant_type=client_credentials&scope=offline_access",
                                 "conf:Conf-Secret-771",
                                 "",
                                 "",
                                 ""});
    const auto authorize = get(base + "/oauth2/authorize?" +
                               form_encode({{"response_type", "code"},
                                            {"client_id", "pub"},
                                            {"redirect_uri", "http://127.0.0.1:9/cb"},
                                            {"state", "State-Value-5521"},
                                            {"code_challenge", s256_challenge(verifier)},
                                            {"code_challenge_method", "S256"}}));
    const std::string code = query_param(authorize.header("location"), "code");
    const auto tokens =
        post_form(base + "/oauth2/token", {{"grant_type", "authorization_code"},
                                           {"code", code},
                                           {"redirect_uri", "http://127.0.0.1:9/cb"},
                                           {"code_verifier", verifier},
                                           {"client_id", "pub"}});
    ASSERT_EQ(tokens.status, 200) << tokens.body;
    post_form(base + "/oauth2/revoke", {{"token", cc.str("refresh_token")},
                                        {"client_id", "conf"},
                                        {"client_secret", "Conf-Secret-771"}});
    EXPECT_EQ(child.stop(), 0);

    const std::string text = test::read_file(log);
    for (const std::string& secret :
         {std::string("Conf-Secret-771"), cc.str("access_token"), cc.str("refresh_token"), code,
          verifier, std::string("State-Value-5521"), tokens.str("access_token"),
          tokens.str("refresh_token")}) {
        ASSERT_FALSE(secret.empty());
        EXPECT_EQ(text.find(secret), std::string::npos) << "log holds a secret";
    }
    std::istringstream lines(text);
    const std::regex shape("(GET|POST) /[^ ?]* [0-9]{3}");
    int n = 0;
    for (std::string l; std::getline(lines, l); ++n) {
        EXPECT_TRUE(std::regex_match(l, shape)) << l;
    }
    EXPECT_EQ(n, 4);
}

}  // namespace
}  // namespace latchkey::devtest
