// Terminal escapes from a server: an `instance_url` (any extra a provider
// keeps) carrying ESC ] 0 ; ... BEL (retitles the window) or ESC [ 2 J
// (clears the screen) is shown escaped by every text output, and stays
// exact, as JSON escapes, in JSON output.
#include "cli_test.hpp"

namespace latchkey::itest {
namespace {

const std::string kHostile =
    "https://x.example/\x1b]0;pwned\x07\x1b[2J\r\nstate:    forged\xc2\x9b";

class TerminalEscapes : public CliTest {
 protected:
    TerminalEscapes() {
        std::vector<std::string> args = devserver_clients();
        args.insert(args.end(), {"--setting", "instance_url=" + kHostile});
        server_ = std::make_unique<test::DevServer>(args);
        env_[kSecretVar] = kSecret;
        never_print(kSecret);
        write_policy("[sites.dev]\nprovider = \"oauth2-client-credentials\"\ntoken_url = \"" +
                     server_->token_url() + "\"\nclient_id = \"" + kClient +
                     "\"\nclient_secret = { env = \"" + kSecretVar + "\" }\n");
    }
    static bool has_control(const std::string& text) {
        for (unsigned char c : text)
            if ((c < 0x20 && c != '\n') || c == 0x7f) return true;
        return text.find("\xc2\x9b") != std::string::npos;
    }
    std::unique_ptr<test::DevServer> server_;
};

TEST_F(TerminalEscapes, StatusShowsAServersExtraEscaped) {
    ASSERT_EQ(lk({"login"}).exit_code, 0);
    auto r = lk({"status"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(has_control(r.out)) << r.out;
    EXPECT_NE(r.out.find("instance_url: https://x.example/\\x1b]0;pwned\\x07\\x1b[2J\\r\\nstate:"
                         "    forged\\u009b"),
              std::string::npos)
        << r.out;
    // No forged line: the only state line is latchkey's own.
    EXPECT_EQ(r.out.find("\nstate:"), std::string::npos) << r.out;
}

TEST_F(TerminalEscapes, JsonKeepsTheExactValue) {
    ASSERT_EQ(lk({"login"}).exit_code, 0);
    auto r = lk({"-o", "json", "status"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(has_control(r.out)) << r.out;  // RapidJSON escapes them
    auto d = parse_json(r.out);
    ASSERT_TRUE(d.IsObject() && d["sites"].IsArray() && d["sites"].Size() == 1u) << r.out;
    EXPECT_EQ(json_string(d["sites"][0]["extras"], "instance_url"), kHostile);
}

TEST_F(TerminalEscapes, ErrorsCarryNoEscapes) {
    // A policy value with escapes ends up in an error message.
    write_policy(
        "[sites.dev]\nprovider = \"oauth2-client-credentials\"\n"
        "token_url = \"" +
        server_->token_url() + "\"\nclient_id = \"" + kClient + "\"\nclient_secret = { env = \"" +
        kSecretVar +
        "\" }\n"
        "timeout = \"\\u001b]0;pwned\\u0007\"\n");
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_FALSE(has_control(r.err)) << r.err;
    EXPECT_NE(r.err.find("\\x1b]0;pwned\\x07"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace latchkey::itest
