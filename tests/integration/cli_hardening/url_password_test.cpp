// A password inside a URL (`token_url = "http://user:PASSWORD@host/..."`)
// is masked wherever latchkey shows the URL: errors, -vv traces,
// `config explain`, `sites show`, JSON output.
#include "cli_test.hpp"

namespace latchkey::itest {
namespace {

const std::string kUrlPassword = "Url-Pw-83kq2Z";

class UrlPassword : public DevServerTest {
 protected:
    UrlPassword() { never_print(kUrlPassword); }
    // A site whose token endpoint carries a user and a password.
    void write_policy_with(const std::string& host_port) {
        write_policy(
            "[sites.dev]\nprovider = \"oauth2-client-credentials\"\n"
            "token_url = \"http://alice:" +
            kUrlPassword + "@" + host_port + "/oauth2/token\"\nclient_id = \"" + kClient +
            "\"\nclient_secret = { env = \"" + kSecretVar + "\" }\n");
    }
    static size_t count(const std::string& text, const std::string& what) {
        size_t n = 0;
        for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
            ++n;
        return n;
    }
};

TEST_F(UrlPassword, ErrorsShowTheUrlWithItsPasswordMasked) {
    write_policy_with("127.0.0.1:" + std::to_string(closed_port()));
    for (std::vector<std::string> cmd :
         {std::vector<std::string>{"token"}, {"-o", "json", "token"}}) {
        auto r = lk(cmd);
        EXPECT_EQ(r.exit_code, 1) << r.err;
        EXPECT_NE(r.err.find("http://alice:****@127.0.0.1:"), std::string::npos)
            << join_args(cmd) << ":\n"
            << r.err;
    }
    auto json = lk({"-o", "json", "token"});
    EXPECT_NE(json.out.find("http://alice:****@127.0.0.1:"), std::string::npos) << json.out;
}

TEST_F(UrlPassword, VerboseTracesMaskIt) {
    std::string hp = server_.url().substr(std::string("http://").size());
    write_policy_with(hp);
    auto r = lk({"-vv", "token"});
    // Every trace line naming the endpoint shows it masked.
    EXPECT_GE(count(r.err, "http://alice:****@" + hp), 1u) << r.err;
    EXPECT_EQ(count(r.err, "alice:" + kUrlPassword), 0u) << r.err;
}

TEST_F(UrlPassword, ExplainAndShowMaskIt) {
    write_policy_with("127.0.0.1:1");
    const std::string masked = "http://alice:****@127.0.0.1:1/oauth2/token";
    for (std::vector<std::string> cmd : {std::vector<std::string>{"config", "explain"},
                                         {"sites", "show"},
                                         {"-o", "json", "config", "explain"},
                                         {"-o", "json", "sites", "show"}}) {
        auto r = lk(cmd);
        EXPECT_EQ(r.exit_code, 0) << join_args(cmd) << ": " << r.err;
        EXPECT_NE(r.out.find(masked), std::string::npos) << join_args(cmd) << ":\n" << r.out;
    }
}

TEST_F(UrlPassword, AnEnvironmentValueIsMaskedToo) {
    write_cc_policy();
    auto r = lk({"config", "explain"},
                {{"LATCHKEY_TOKEN_URL", "https://bob:" + kUrlPassword + "@id.example/token"}});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("https://bob:****@id.example/token"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace latchkey::itest
