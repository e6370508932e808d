// extra_headers: sent on the wire by `latchkey curl`, printed by `token
// --header`, overridden from the environment as Anaconda's
// ANACONDA_AUTH_EXTRA_HEADERS is, and refused at file:line:column when a
// name or a value could not be a header (CR/LF: header injection).
#include "cli_test.hpp"
#include "recording_server.hpp"

namespace latchkey::itest {
namespace {

const std::string kKey = "key-Xhdr-51c0e2";

class ExtraHeadersTest : public CliTest {
 protected:
    ExtraHeadersTest() { token_like(kKey); }
    void site(const std::string& extra) {
        write_policy("[sites.conda]\nprovider = \"api-key\"\napi_key = \"" + kKey +
                     "\"\nenv_prefix = \"ANACONDA_AUTH_\"\n" + extra);
    }
    RecordingServer api_;
};

TEST_F(ExtraHeadersTest, TheyGoOnTheWireAndTokenHeaderPrintsThemAfterTheCredential) {
    site("extra_headers = { \"X-Org\" = \"acme\", \"X-Client-Name\" = \"ci runner\" }\n");
    auto r = lk({"curl", api_.url() + "/repo"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto seen = api_.requests();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].header("Authorization"), "Bearer " + kKey);
    EXPECT_EQ(seen[0].header("X-Org"), "acme");
    EXPECT_EQ(seen[0].header("X-Client-Name"), "ci runner");

    auto h = lk({"token", "--header"});
    ASSERT_EQ(h.exit_code, 0) << h.err;
    EXPECT_EQ(h.out, "Authorization: Bearer " + kKey + "\nX-Client-Name: ci runner\nX-Org: acme\n");
}

TEST_F(ExtraHeadersTest, ASubTableWorksAndTheEnvironmentOverridesWithJson) {
    site("\n[sites.conda.extra_headers]\nX-Org = \"from-file\"\n");
    auto from_file = lk({"token", "--header"});
    ASSERT_EQ(from_file.exit_code, 0) << from_file.err;
    EXPECT_EQ(from_file.out, "Authorization: Bearer " + kKey + "\nX-Org: from-file\n");
    auto r = lk({"curl", api_.url() + "/repo"},
                {{"ANACONDA_AUTH_EXTRA_HEADERS", R"({"X-Org": "from-env", "X-Trace": "t-1"})"}});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(api_.requests().at(0).header("X-Org"), "from-env");
    EXPECT_EQ(api_.requests().at(0).header("X-Trace"), "t-1");
}

TEST_F(ExtraHeadersTest, AHeaderThatCouldInjectAnotherIsAPolicyErrorAtItsPosition) {
    struct Case {
        std::string line;
        std::string says;
    };
    for (const Case& c : std::vector<Case>{
             {"extra_headers = { \"X-Org\" = \"acme\\r\\nX-Admin: yes\" }",
              "policy.toml:5:29: extra_headers: the value of 'X-Org' contains a control character"},
             {"extra_headers = { \"X Org\" = \"acme\" }",
              "policy.toml:5:19: extra_headers: 'X Org' is not an HTTP field name"},
             {"extra_headers = { \"X-Org\" = 7 }",
              "policy.toml:5:29: extra_headers: the value of 'X-Org' must be a string"},
             {"extra_headers = [\"X-Org: acme\"]",
              "policy.toml:5:17: extra_headers: expected a table"},
             {"extra_headers = { \"Authorization\" = \"Basic eA==\" }",
              "extra_headers: 'Authorization' is the header the credential itself is sent in"}}) {
        site(c.line + "\n");
        auto r = lk({"token", "--header"});
        EXPECT_EQ(r.exit_code, 1) << c.line;
        EXPECT_NE(r.err.find(c.says), std::string::npos) << c.line << "\n"
                                                         << r.err << "\n"
                                                         << r.out;
        EXPECT_EQ(r.out, "");
    }
    site("");
    auto env = lk({"token", "--header"},
                  {{"ANACONDA_AUTH_EXTRA_HEADERS", "{\"X-Org\": \"a\\nX-Admin: yes\"}"}});
    EXPECT_EQ(env.exit_code, 1);
    EXPECT_NE(env.err.find("env ANACONDA_AUTH_EXTRA_HEADERS: extra_headers: the value of 'X-Org' "
                           "contains a control character"),
              std::string::npos)
        << env.err;
    auto not_json = lk({"curl", api_.url()}, {{"ANACONDA_AUTH_EXTRA_HEADERS", "X-Org: a"}});
    EXPECT_EQ(not_json.exit_code, 1);
    EXPECT_NE(not_json.err.find("expected a JSON object"), std::string::npos) << not_json.err;
    EXPECT_TRUE(api_.requests().empty());
}

}  // namespace
}  // namespace latchkey::itest
