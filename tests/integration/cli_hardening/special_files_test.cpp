// Special files where latchkey expects a regular one: a FIFO at a stored
// credential's path, at a `{ file = }` or `{ secret = }` value, at `.env` or
// at the policy; a device (`/dev/zero` never ends); a file far too large.
// Each ends quickly in an error naming the file and the reason, exit 1.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cli_test.hpp"

namespace latchkey::itest {
namespace {

// Long enough for a loaded machine, far shorter than a hang.
constexpr int kBounded = 20'000;

class SpecialFiles : public DevServerTest {
 protected:
    // The storage key of site `dev` (its credential file is KEY.json).
    std::string storage_key() {
        auto r = lk({"-o", "json", "sites", "show"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        auto d = parse_json(r.out);
        return d.IsObject() ? json_string(d, "storage_key") : "";
    }
    std::string fifo(const std::string& path) {
        EXPECT_EQ(mkfifo(path.c_str(), 0600), 0) << path;
        return path;
    }
    // A policy whose site reads client_secret through `ref`.
    void policy_with_secret(const std::string& ref) {
        write_policy("[sites.dev]\nprovider = \"oauth2-client-credentials\"\ntoken_url = \"" +
                     server_.token_url() + "\"\nclient_id = \"" + kClient +
                     "\"\nclient_secret = " + ref + "\n");
    }
};

TEST_F(SpecialFiles, AFifoAtTheCredentialPathIsAnErrorForEveryCommandAndLogoutRemovesIt) {
    write_cc_policy();
    std::string key = storage_key();
    ASSERT_FALSE(key.empty());
    ASSERT_EQ(lk({"token"}).exit_code, 0);  // creates the store
    std::string path = state_dir() + "/" + key + ".json";
    ASSERT_EQ(unlink(path.c_str()), 0);
    fifo(path);

    for (std::vector<std::string> cmd :
         {std::vector<std::string>{"token"}, {"status"}, {"storage", "list"}}) {
        auto r = lk(cmd, {}, kBounded);
        ASSERT_FALSE(r.timed_out) << join_args(cmd) << " hung on a FIFO";
        EXPECT_EQ(r.exit_code, 1) << join_args(cmd) << "\n" << r.out << r.err;
        EXPECT_NE((r.out + r.err).find(path + " is a FIFO, not a regular file"), std::string::npos)
            << join_args(cmd) << ":\n"
            << r.out << r.err;
    }
    // Nothing was stored over it.
    struct stat st {};
    ASSERT_EQ(lstat(path.c_str(), &st), 0);
    EXPECT_TRUE(S_ISFIFO(st.st_mode));

    // The way out: logout drops what cannot be read, and says so.
    auto out = lk({"logout"}, {}, kBounded);
    ASSERT_FALSE(out.timed_out) << "logout hung on a FIFO";
    EXPECT_EQ(out.exit_code, 0) << out.err;
    EXPECT_NE(out.err.find(path + " is a FIFO"), std::string::npos) << out.err;
    EXPECT_NE(lstat(path.c_str(), &st), 0) << "the FIFO is still there";
    auto t = lk({"token"}, {}, kBounded);
    EXPECT_EQ(t.exit_code, 0) << t.err;
}

TEST_F(SpecialFiles, ADeviceAsAValueFileIsRefusedNotReadForever) {
    policy_with_secret("{ file = \"/dev/zero\" }");
    auto r = lk({"config", "check"}, {}, kBounded);
    ASSERT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("client_secret: /dev/zero is a character device, not a regular file"),
              std::string::npos)
        << r.err;
    auto t = lk({"token"}, {}, kBounded);
    ASSERT_FALSE(t.timed_out);
    EXPECT_EQ(t.exit_code, 1);
    EXPECT_NE(t.err.find("/dev/zero is a character device"), std::string::npos) << t.err;
}

TEST_F(SpecialFiles, AFifoAsAValueFileIsRefused) {
    std::string path = fifo(sandbox_.file("secret.fifo"));
    policy_with_secret("{ file = \"" + path + "\" }");
    auto r = lk({"config", "check"}, {}, kBounded);
    ASSERT_FALSE(r.timed_out) << "config check hung on a FIFO";
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("client_secret: " + path + " is a FIFO, not a regular file"),
              std::string::npos)
        << r.err;
}

TEST_F(SpecialFiles, AFifoAsASecretIsRefused) {
    std::filesystem::create_directory(sandbox_.file("secrets"));
    std::string path = fifo(sandbox_.file("secrets/dev-secret"));
    policy_with_secret("{ secret = \"dev-secret\" }");
    auto r = lk({"token"}, {{"LATCHKEY_SECRETS_DIR", sandbox_.file("secrets")}}, kBounded);
    ASSERT_FALSE(r.timed_out) << "token hung on a FIFO secret";
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find(path + " is a FIFO, not a regular file"), std::string::npos) << r.err;
}

TEST_F(SpecialFiles, AValueFileLargerThanOneMebibyteIsRefused) {
    std::string path = sandbox_.write("huge", std::string((1 << 20) + 1, 'x'));
    policy_with_secret("{ file = \"" + path + "\" }");
    auto r = lk({"config", "check"}, {}, kBounded);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find(path + " is larger than 1 MiB"), std::string::npos) << r.err;
}

TEST_F(SpecialFiles, AFifoAsTheDotenvFileIsRefused) {
    write_cc_policy();
    std::string policy_text = test::read_file(policy());
    write_policy("[host]\ndotenv = true\n\n" + policy_text);
    std::string path = fifo(sandbox_.file(".env"));
    auto r = lk({"token"}, {}, kBounded);
    ASSERT_FALSE(r.timed_out) << "token hung on a FIFO .env";
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find(".env is a FIFO, not a regular file"), std::string::npos) << r.err;
}

TEST_F(SpecialFiles, AFifoAsThePolicyIsRefused) {
    std::string path = fifo(sandbox_.file("fifo.toml"));
    auto r = run_cli({"--config", path, "config", "check"}, {}, kBounded);
    ASSERT_FALSE(r.timed_out) << "config check hung on a FIFO policy";
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find(path + " is a FIFO, not a regular file"), std::string::npos) << r.err;
    auto edit = run_cli({"--config", path, "sites", "set-default", "dev"}, {}, kBounded);
    ASSERT_FALSE(edit.timed_out) << "sites set-default hung on a FIFO policy";
    EXPECT_EQ(edit.exit_code, 1) << edit.out << edit.err;
    EXPECT_NE(edit.err.find(path + " is a FIFO"), std::string::npos) << edit.err;
}

}  // namespace
}  // namespace latchkey::itest
