// { secret = "name" } reads $LATCHKEY_SECRETS_DIR/name (default /run/secrets),
// the way container runtimes mount secrets: the trailing newline is not part
// of the value, a missing file names the file and the option, a name is a
// plain file name, and the value never appears in any output.
#include "sites_fixture.hpp"

namespace latchkey::itest {
namespace {

class SecretsDir : public CliTest {
 protected:
    const std::string key_ = "ak-Integ-secretsdir-5e1";
    test::TempDir secrets_;

    void SetUp() override {
        token_like(key_);
        env_["LATCHKEY_SECRETS_DIR"] = secrets_.path();
    }

    void write_secret_policy(const std::string& name) {
        write_policy("[sites.reports]\nprovider = \"api-key\"\napi_key = { secret = \"" + name +
                     "\" }\n");
    }
};

TEST_F(SecretsDir, ReadsTheNamedFileWithoutItsTrailingLineBreak) {
    secrets_.write("reports_key", key_ + "\n");
    write_secret_policy("reports_key");
    auto t = lk({"token", "--header"});
    ASSERT_EQ(t.exit_code, 0) << t.err;
    EXPECT_EQ(t.out, "Authorization: Bearer " + key_ + "\n");

    secrets_.write("reports_key", key_ + "\r\n");
    auto crlf = lk({"token"});
    ASSERT_EQ(crlf.exit_code, 0) << crlf.err;
    EXPECT_EQ(crlf.out, key_ + "\n");

    auto explain = lk({"config", "explain"});
    ASSERT_EQ(explain.exit_code, 0) << explain.err;
    EXPECT_NE(explain.out.find("****"), std::string::npos) << explain.out;
    EXPECT_NE(explain.out.find("via secret " + secrets_.file("reports_key")), std::string::npos)
        << explain.out;
}

TEST_F(SecretsDir, AMissingFileNamesTheFileAndTheOption) {
    write_secret_policy("reports_key");
    for (auto args : {std::vector<std::string>{"token"}, {"config", "check"}}) {
        auto r = lk(args);
        EXPECT_EQ(r.exit_code, 1) << join_args(args);
        EXPECT_NE(r.err.find(policy() + ":3:11: api_key: cannot read " +
                             secrets_.file("reports_key") + ": No such file or directory"),
                  std::string::npos)
            << r.err;
    }
}

TEST_F(SecretsDir, DefaultsToRunSecrets) {
    env_["LATCHKEY_SECRETS_DIR"] = std::nullopt;
    write_secret_policy("latchkey-integ-absent-7d");
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("key: cannot read /run/secrets/latchkey-integ-absent-7d"),
              std::string::npos)
        << r.err;
}

TEST_F(SecretsDir, ANameWithASlashIsRefused) {
    // The file exists one level up: a path must not reach it.
    secrets_.write("reports_key", key_ + "\n");
    env_["LATCHKEY_SECRETS_DIR"] = secrets_.file("inner");
    for (std::string name : {"../reports_key", "inner/../../reports_key", ".."}) {
        write_secret_policy(name);
        auto r = lk({"token"});
        EXPECT_EQ(r.exit_code, 1) << name;
        EXPECT_NE(r.err.find("key: { secret = \"" + name + "\" } must be a plain name"),
                  std::string::npos)
            << r.err;
    }
}

TEST_F(SecretsDir, SitesAddWritesAReferenceThatWorks) {
    secrets_.write("reports_key", key_ + "\n");
    auto add = lk({"sites", "add", "reports", "--provider", "api-key", "--option",
                   "api_key={secret=reports_key}"});
    ASSERT_EQ(add.exit_code, 0) << add.err;
    EXPECT_EQ(add.err, "");  // a reference, not a secret: no warning
    EXPECT_EQ(test::read_file(policy()),
              "[sites.reports]\nprovider = \"api-key\"\napi_key = { secret = \"reports_key\" }\n");
    auto t = lk({"token"});
    ASSERT_EQ(t.exit_code, 0) << t.err;
    EXPECT_EQ(t.out, key_ + "\n");

    // Not readable here: written, with a warning naming the file.
    auto later = lk({"sites", "add", "later", "--provider", "api-key", "--option",
                     "api_key={secret=mounted_later}"});
    ASSERT_EQ(later.exit_code, 0) << later.err;
    EXPECT_NE(later.err.find("api_key: cannot read " + secrets_.file("mounted_later") +
                             " here (No such file or directory); it must be there when "
                             "latchkey runs"),
              std::string::npos)
        << later.err;
}

// A real token endpoint checks the secret byte for byte: with the newline it
// would refuse the client.
class SecretsDirServer : public DevServerTest {};

TEST_F(SecretsDirServer, ClientSecretFromTheSecretsDirectory) {
    test::TempDir secrets;
    secrets.write("cc_secret", kSecret + "\n");
    env_["LATCHKEY_SECRETS_DIR"] = secrets.path();
    env_[kSecretVar] = std::nullopt;
    write_policy("[sites.dev]\nprovider = \"oauth2-client-credentials\"\ntoken_url = \"" +
                 server_.token_url() + "\"\nclient_id = \"" + kClient +
                 "\"\nclient_secret = { secret = \"cc_secret\" }\n");
    auto t = lk({"token", "--header"});
    ASSERT_EQ(t.exit_code, 0) << t.err;
    EXPECT_EQ(whoami(first_line(t.out)).status, 200);
    EXPECT_EQ(token_requests(), 1);

    // A wrong secret: rejected, and neither secret is printed.
    secrets.write("cc_secret", kOtherSecret + "\n");
    ASSERT_EQ(lk({"logout"}).exit_code, 0);
    auto wrong = lk({"token"});
    EXPECT_EQ(wrong.exit_code, 1);
    EXPECT_NE(wrong.err.find("invalid_client"), std::string::npos) << wrong.err;
}

}  // namespace
}  // namespace latchkey::itest
