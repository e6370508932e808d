// Plain http carries credentials in clear, so latchkey sends it only to this
// machine: the address it connects to must be loopback, whatever the URL's
// name looks like, and no proxy may carry it further. A canned server on
// 127.0.0.1 stands in for a proxy that would forward the request anywhere.
#include "cli_test.hpp"
#include "oauth_fixture.hpp"

namespace latchkey::itest {
namespace {

class PlainHttp : public DevServerTest {
 protected:
    void SetUp() override { write_cc_policy(); }
    std::string port() const { return server_.url().substr(server_.url().rfind(':') + 1); }
};

TEST_F(PlainHttp, ANameThatOnlyLooksLikeLoopbackIsRefusedWithoutSendingAnything) {
    CannedServer proxy("");  // would see the request, client secret and all
    auto r = lk({"--set", "token_url=http://127.attacker.invalid/oauth2/token", "token"},
                {{"http_proxy", proxy.url()}});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("refusing plain http to 127.attacker.invalid"), std::string::npos)
        << r.err;
    EXPECT_EQ(proxy.requests(), 0) << "the request left through the proxy";
    EXPECT_EQ(token_requests(), 0);
}

TEST_F(PlainHttp, LoopbackAddressesAndLocalhostStillWorkAndGoStraightThere) {
    CannedServer proxy("");
    for (const std::string host : {"127.0.0.1", "localhost"}) {
        auto r = lk({"--set", "token_url=http://" + host + ":" + port() + "/oauth2/token", "token"},
                    {{"http_proxy", proxy.url()}});
        ASSERT_EQ(r.exit_code, 0) << host << ": " << r.err;
        EXPECT_EQ(whoami("Authorization: Bearer " + first_line(r.out)).status, 200) << host;
    }
    EXPECT_EQ(proxy.requests(), 0) << "plain http to this machine went through a proxy";
    EXPECT_EQ(token_requests(), 2);
}

TEST_F(PlainHttp, ConfigCheckWarnsAboutPlainHttpToANameButNotToLoopback) {
    auto site = [&](const std::string& name, const std::string& token_url) {
        return "[sites." + name + "]\nprovider = \"oauth2-client-credentials\"\ntoken_url = \"" +
               token_url + "\"\nclient_id = \"" + kClient + "\"\nclient_secret = { env = \"" +
               kSecretVar + "\" }\n";
    };
    write_policy(site("named", "http://auth.example.test/oauth2/token") +
                 site("local", "http://localhost:" + port() + "/oauth2/token") +
                 site("dev", server_.token_url()));
    auto r = lk({"config", "check"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("latchkey: warning: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("site 'named': token_url: plain http to auth.example.test, which is "
                         "not literally this machine"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("site 'local'"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("site 'dev'"), std::string::npos) << r.err;

    auto j = lk({"-o", "json", "config", "check"});
    auto d = parse_json(j.out);
    ASSERT_TRUE(d.IsObject() && d.HasMember("warnings") && d["warnings"].IsArray()) << j.out;
    EXPECT_EQ(d["warnings"].Size(), 1u) << j.out;
}

}  // namespace
}  // namespace latchkey::itest
