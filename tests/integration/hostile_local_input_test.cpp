// Hostile input that sits on this machine rather than on a server: a stored
// credential file nested 300 000 levels deep, one whose token carries CR LF,
// one whose expiry is INT64_MIN; an API key that is a JWT with deeply nested
// claims; a policy duration that overflows. None crashes a command (not even
// `latchkey logout`, the way out), none reaches a header line, and each is
// named: the file and what is wrong with it, or file:line:column and the key.
#include <openssl/evp.h>

#include <filesystem>
#include <fstream>

#include "cli_test.hpp"
#include "unsigned_jwt.hpp"

namespace latchkey::itest {
namespace {

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// A stored-credential document around `fields` (JSON members, no braces).
std::string credential_doc(const std::string& fields) {
    return R"({"format":"latchkey-credential","version":1,)" + fields + "}";
}

class HostileLocalInput : public CliTest {
 protected:
    const std::string key_ = "ak-Integ-local-5c1d";

    void SetUp() override {
        token_like(key_);
        write_policy("[sites.api]\nprovider = \"api-key\"\napi_key = \"" + key_ + "\"\n");
    }

    // The site's credential file, after a first `token` wrote it.
    std::string stored_file() {
        auto r = lk({"token"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        std::error_code ec;
        for (auto& e : std::filesystem::directory_iterator(state_dir(), ec))
            if (e.path().extension() == ".json") return e.path().string();
        ADD_FAILURE() << "no credential file in " << state_dir();
        return "";
    }

    // Replaces the stored credential with `text`, in place (the file stays
    // owner-only, as latchkey wrote it); returns the file's path.
    std::string tamper(const std::string& text) {
        std::string path = stored_file();
        std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
        return path;
    }
};

TEST_F(HostileLocalInput, AStoredCredentialNestedThreeHundredThousandLevelsIsReplaced) {
    const std::string deep = credential_doc(R"("token":"t","extras":)" + std::string(300'000, '['));
    std::string path = tamper(deep);
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, key_ + "\n");
    EXPECT_TRUE(has(r.err, "ignoring stored credential " + path +
                               ": not JSON (nested deeper than 64 levels at offset"))
        << r.err;
    EXPECT_TRUE(has(r.err, "a new one will be fetched")) << r.err;
    EXPECT_NE(test::read_file(path), deep) << "the fetched credential replaced it";
}

TEST_F(HostileLocalInput, LogoutErasesAStoredCredentialNestedTooDeeply) {
    std::string path =
        tamper(credential_doc(R"("token":"t","extras":)" + std::string(300'000, '[')));
    for (auto args : {std::vector<std::string>{"status"}, {"storage", "list"}}) {
        auto r = lk(args);
        EXPECT_EQ(r.exit_code, 0) << join_args(args) << ":\n" << r.err;
    }
    auto r = lk({"logout"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "logged out of api\n");
    EXPECT_FALSE(std::filesystem::exists(path));
}

TEST_F(HostileLocalInput, AStoredTokenWithALineBreakIsNeverSent) {
    never_print("X-Injected");
    std::string path = tamper(
        credential_doc(R"("token":"abc\r\nX-Injected: yes","token_type":"Bearer","header_name":)"
                       R"("Authorization","expires_at_ms":0,"obtained_at_ms":0)"));
    auto r = lk({"token", "--header"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "Authorization: Bearer " + key_ + "\n");
    EXPECT_TRUE(has(r.err,
                    "site 'api': ignoring the credential stored in file: its token "
                    "contains a control character (such as a line break or NUL), which "
                    "cannot be sent in an HTTP header; the store was altered, and a new "
                    "one will be fetched"))
        << r.err;
}

TEST_F(HostileLocalInput, AStoredHeaderNameWithALineBreakIsNeverSent) {
    never_print("X-Injected");
    tamper(credential_doc(R"("token":"abc","header_name":"X-Auth\r\nX-Injected: yes")"));
    auto r = lk({"token", "--header"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "Authorization: Bearer " + key_ + "\n");
    EXPECT_TRUE(has(r.err, "its header name is not an HTTP field name")) << r.err;
}

TEST_F(HostileLocalInput, AStoredExpiryOfInt64MinIsNotATime) {
    std::string path =
        tamper(credential_doc(R"("token":"abc","expires_at_ms":-9223372036854775808)"));
    auto st = lk({"status"});
    EXPECT_EQ(st.exit_code, 0) << st.err;
    EXPECT_TRUE(has(st.out, "state:    not logged in")) << st.out;
    EXPECT_TRUE(has(st.err, "ignoring stored credential " + path +
                                ": expires_at_ms -9223372036854775808 is not a time between "
                                "1970 and the year 9999"))
        << st.err;
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, key_ + "\n");
}

TEST_F(HostileLocalInput, AnApiKeyThatIsAJwtWithDeeplyNestedClaimsIsServedAsOpaque) {
    // jwt_expiry reads the key's claims for its exp; nested 300 000 levels
    // deep they crashed the parse.
    const std::string key = base64url(R"({"alg":"HS256"})") + "." +
                            base64url("{\"exp\":" + std::string(300'000, '[')) + ".c2ln";
    token_like(key);
    write_policy("[sites.jwt]\nprovider = \"api-key\"\napi_key = { file = \"" +
                 sandbox_.write("key.jwt", key + "\n") + "\" }\n");
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, key + "\n");
    auto st = lk({"status"});
    EXPECT_TRUE(has(st.out, "does not expire")) << st.out;
}

TEST_F(HostileLocalInput, ADurationThatOverflowsFailsConfigCheckAtItsPosition) {
    // 9223372036854776 s wraps to a negative number of milliseconds: the
    // timeout used to pass `config check`, and then nothing ever timed out.
    const std::string text =
        "[defaults]\ntimeout = \"9223372036854776s\"\n"
        "[sites.api]\nprovider = \"api-key\"\napi_key = \"" +
        key_ + "\"\n";
    std::string path = write_policy(text);
    for (auto args : {std::vector<std::string>{"config", "check"}, {"token"}}) {
        auto r = lk(args);
        EXPECT_EQ(r.exit_code, 1) << join_args(args) << ":\n" << r.err;
        EXPECT_TRUE(has(r.err, path + ":2:11: timeout: \"9223372036854776s\" is longer than 365d, "
                                      "the longest duration accepted"))
            << r.err;
    }
    write_policy("[sites.api]\nprovider = \"api-key\"\napi_key = \"" + key_ +
                 "\"\nrefresh_before = 9223372036854775807\n");
    auto r = lk({"config", "check"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_TRUE(has(r.err, ":4:18: refresh_before: \"9223372036854775807\" is longer than 365d"))
        << r.err;
}

}  // namespace
}  // namespace latchkey::itest
