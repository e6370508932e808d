// The chain provider through the real CLI: sources that are real sites of
// the same policy (exec programs the test controls, an api-key from the
// environment), tried in order through the host's fetch_site.
#include <chrono>
#include <thread>

#include "exec_chain_test.hpp"

namespace latchkey::itest {
namespace {

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

class Chain : public ExecChainTest {
 protected:
    // An exec source that serves `token` while sandbox/NAME.state does not
    // say "down", and fails with "NAME is down" when it does. Memory storage:
    // every latchkey process runs it afresh, so a change shows at once.
    std::string switchable_source(const std::string& name, const std::string& token) {
        std::string state = sandbox_.write(name + ".state", "up\n");
        std::string p = program(name, "if grep -q down " + state + "; then echo '" + name +
                                          " is down' >&2; exit 1; fi\n"
                                          "printf '{\"token\": \"%s\", \"expires_at\": %s}' '" +
                                          token + "' $(( $(date +%s) + 3600 ))\n");
        return exec_site(name, p, "storage = \"memory\"\n");
    }
    void set_state(const std::string& name, const std::string& state) {
        sandbox_.write(name + ".state", state + "\n");
    }

    // A chain site. Its sources' credentials live an hour, so refreshing a day
    // ahead makes every call choose again.
    static std::string chain_site(const std::string& name, const std::string& sources) {
        return "[sites." + name + "]\nprovider = \"chain\"\nsources = " + sources +
               "\nrefresh_before = \"1d\"\n\n";
    }
};

TEST_F(Chain, FirstFailingSourceFallsThroughToTheNext) {
    token_like("tok-Integ-exec-b");
    token_like("key-Integ-env-a");
    write_policy(
        chain_site("main", "[\"env-key\", \"exec-b\"]") +
        "[sites.env-key]\nprovider = \"api-key\"\napi_key = { env = \"INTEG_CHAIN_KEY\" }\n"
        "header = \"X-Api-Key: {token}\"\nstorage = \"memory\"\n\n" +
        switchable_source("exec-b", "tok-Integ-exec-b"));

    // No key in the environment: the stored-login stand-in serves.
    EXPECT_EQ(header_line({"--at", "main"}), "Authorization: Bearer tok-Integ-exec-b\n");
    auto st = lk({"--at", "main", "status"});
    ASSERT_EQ(st.exit_code, 0) << st.err;
    EXPECT_TRUE(has(st.out, "served_by: exec-b")) << st.out;

    // With the key set, the first source serves, in its own header.
    auto k = lk({"--at", "main", "token", "--header"}, {{"INTEG_CHAIN_KEY", "key-Integ-env-a"}});
    ASSERT_EQ(k.exit_code, 0) << k.err;
    EXPECT_EQ(k.out, "X-Api-Key: key-Integ-env-a\n");
    EXPECT_EQ(extra(status_json("main"), "served_by"), "env-key");
}

TEST_F(Chain, ReselectsOnEveryRefreshAndPrefersARecoveredSource) {
    token_like("tok-Integ-a");
    token_like("tok-Integ-b");
    write_policy(chain_site("main", "[\"a\", \"b\"]") + switchable_source("a", "tok-Integ-a") +
                 switchable_source("b", "tok-Integ-b"));

    auto first = lk({"--at", "main", "token"});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    EXPECT_EQ(first.out, "tok-Integ-a\n");
    auto st = status_json("main");
    EXPECT_EQ(extra(st, "served_by"), "a");
    // The source printed now + 1 hour; the chain's copy lasts until the next
    // selection, reselect_after (5 minutes by default), whichever is sooner.
    ASSERT_TRUE(st.HasMember("expires_at_ms"));
    EXPECT_NEAR(static_cast<double>(st["expires_at_ms"].GetInt64()) / 1000.0,
                static_cast<double>(now_s() + 300), 30.0);

    set_state("a", "down");
    auto second = lk({"--at", "main", "token"});
    ASSERT_EQ(second.exit_code, 0) << second.err;
    EXPECT_EQ(second.out, "tok-Integ-b\n");
    EXPECT_EQ(extra(status_json("main"), "served_by"), "b");

    set_state("a", "up");
    auto third = lk({"--at", "main", "token"});
    ASSERT_EQ(third.exit_code, 0) << third.err;
    EXPECT_EQ(third.out, "tok-Integ-a\n");
    EXPECT_EQ(extra(status_json("main"), "served_by"), "a");
}

TEST_F(Chain, AllSourcesFailingListsEveryReason) {
    std::string garbage = program("garbage", "echo 'this is not a credential'\n");
    write_policy(chain_site("main", "[\"a\", \"g\", \"k\"]") + switchable_source("a", "tok-a") +
                 exec_site("g", garbage, "storage = \"memory\"\n") +
                 "[sites.k]\nprovider = \"api-key\"\napi_key = { env = \"INTEG_CHAIN_UNSET\" }\n"
                 "storage = \"memory\"\n");
    set_state("a", "down");
    auto r = lk({"--at", "main", "token"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_TRUE(has(r.err, "no source of chain 'main' could serve")) << r.err;
    EXPECT_TRUE(has(r.err, "[1] a: ")) << r.err;
    EXPECT_TRUE(has(r.err, "a is down")) << r.err;
    EXPECT_TRUE(has(r.err, "[2] g: ")) << r.err;
    EXPECT_TRUE(has(r.err, "not JSON")) << r.err;
    EXPECT_TRUE(has(r.err, "[3] k: ")) << r.err;
    EXPECT_TRUE(has(r.err, "INTEG_CHAIN_UNSET is not set")) << r.err;
}

TEST_F(Chain, SourcesThatNeedALoginAskForOne) {
    std::string asks =
        program("asks", "read code || exit 1\nprintf '{\"token\": \"%s\"}' \"$code\"\n");
    write_policy(chain_site("main", "[\"sso-a\", \"sso-b\"]") +
                 exec_site("sso-a", asks, "interactive = true\n") +
                 exec_site("sso-b", asks, "interactive = true\n"));
    auto r = lk({"--at", "main", "token"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_TRUE(has(r.err, "a login at sso-a or sso-b would let the chain serve")) << r.err;
    EXPECT_TRUE(has(r.err, "run `latchkey login --at main`")) << r.err;

    // Logging in through the chain: the first source that can ask does.
    token_like("code-Integ-77");
    RunOptions o = options();
    o.stdin_data = "code-Integ-77\n";
    auto login = test::latchkey({"--config", policy(), "--at", "main", "login"}, o);
    record({"login"}, login);
    ASSERT_EQ(login.exit_code, 0) << login.err;
    EXPECT_EQ(header_line({"--at", "main"}), "Authorization: Bearer code-Integ-77\n");
    EXPECT_EQ(extra(status_json("main"), "served_by"), "sso-a");
}

TEST_F(Chain, ACycleIsRefused) {
    write_policy(chain_site("x", "[\"y\"]") + chain_site("y", "[\"x\"]"));
    auto r = lk({"--at", "x", "token"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_TRUE(has(r.err, "no source of chain 'x' could serve")) << r.err;
    EXPECT_TRUE(has(r.err, "[1] y: ")) << r.err;
    // The host's refusal, with the path that loops.
    EXPECT_TRUE(has(r.err, "lead back to site 'x' (x -> y -> x)")) << r.err;

    write_policy(chain_site("x", "[\"x\"]"));
    auto self = lk({"--at", "x", "token"});
    EXPECT_EQ(self.exit_code, 1) << self.err;
    EXPECT_TRUE(has(self.err, "option 'sources' names the site itself ('x')")) << self.err;
}

TEST_F(Chain, OptionsAreListed) {
    auto r = run_cli({"providers", "show", "chain"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(has(r.out, "sources")) << r.out;
}

}  // namespace
}  // namespace latchkey::itest

namespace latchkey::itest {
namespace {

// A source whose credential never expires (an API key) is still asked again
// after reselect_after: a rotated key is picked up.
class ChainReselect : public CliTest {};

TEST_F(ChainReselect, AKeyThatNeverExpiresIsAskedAgainAfterReselectAfter) {
    token_like("key-Integ-old-1");
    token_like("key-Integ-new-2");
    write_policy(
        "[sites.main]\nprovider = \"chain\"\nsources = [\"key\"]\nreselect_after = \"6s\"\n"
        "refresh_before = \"3s\"\n\n"
        "[sites.key]\nprovider = \"api-key\"\napi_key = { env = \"INTEG_ROTATED_KEY\" }\n"
        "storage = \"memory\"\n");
    auto first = lk({"--at", "main", "token"}, {{"INTEG_ROTATED_KEY", "key-Integ-old-1"}});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    EXPECT_EQ(first.out, "key-Integ-old-1\n");
    // Within reselect_after the stored choice serves, whatever the source says now.
    auto cached = lk({"--at", "main", "token"}, {{"INTEG_ROTATED_KEY", "key-Integ-new-2"}});
    ASSERT_EQ(cached.exit_code, 0) << cached.err;
    EXPECT_EQ(cached.out, "key-Integ-old-1\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(3200));  // into the refresh window
    auto rotated = lk({"--at", "main", "token"}, {{"INTEG_ROTATED_KEY", "key-Integ-new-2"}});
    ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
    EXPECT_EQ(rotated.out, "key-Integ-new-2\n");
}

}  // namespace
}  // namespace latchkey::itest
