// `git config credential.helper latchkey`: Debian's git clones and pushes
// over HTTP from git http-backend behind a server that accepts only the dev
// server's current token as the Basic password.
#include <chrono>
#include <thread>

#include "helper_fixture.hpp"

namespace latchkey::itest {
namespace {

class GitCredential : public HelperTest {
 protected:
    explicit GitCredential(int token_lifetime_s = 3600) : HelperTest(token_lifetime_s) {
        // Two bare repositories with one commit each, made without the server.
        for (std::string org : {"org-a", "org-b"}) {
            std::string bare = sandbox_.file("srv/" + org + "/repo.git");
            std::string seed = sandbox_.file("seed-" + org);
            EXPECT_EQ(git({"init", "-q", "--bare", "-b", "main", bare}).exit_code, 0);
            EXPECT_EQ(git({"init", "-q", "-b", "main", seed}).exit_code, 0);
            sandbox_.write("seed-" + org + "/README", org + "\n");
            EXPECT_EQ(git({"-C", seed, "add", "README"}).exit_code, 0);
            EXPECT_EQ(git({"-C", seed, "commit", "-q", "-m", "seed"}).exit_code, 0);
            EXPECT_EQ(git({"-C", seed, "push", "-q", bare, "main"}).exit_code, 0);
        }
        EXPECT_EQ(git({"config", "--global", "credential.helper", "latchkey"}).exit_code, 0);
        EXPECT_EQ(git({"config", "--global", "credential.useHttpPath", "true"}).exit_code, 0);
    }

    RunResult git(std::vector<std::string> args,
                  const std::map<std::string, std::optional<std::string>>& env = {}) {
        args.insert(args.begin(), "git");
        std::map<std::string, std::optional<std::string>> all{
            {"GIT_AUTHOR_NAME", "Test"},
            {"GIT_AUTHOR_EMAIL", "t@example.com"},
            {"GIT_COMMITTER_NAME", "Test"},
            {"GIT_COMMITTER_EMAIL", "t@example.com"}};
        for (auto& [k, v] : env) all[k] = v;
        return tool(args, all);
    }

    // Clones URL into DIR, commits a file there and pushes it.
    void clone_commit_push(const std::string& url, const std::string& dir) {
        auto clone = git({"clone", "-q", url, sandbox_.file(dir)});
        ASSERT_EQ(clone.exit_code, 0) << clone.err;
        EXPECT_EQ(test::read_file(sandbox_.file(dir + "/README")).empty(), false);
        commit(dir, "change");
        auto push = git({"-C", sandbox_.file(dir), "push", "-q", "origin", "main"});
        ASSERT_EQ(push.exit_code, 0) << push.err;
    }

    void commit(const std::string& dir, const std::string& text) {
        sandbox_.write(dir + "/" + text, text + "\n");
        EXPECT_EQ(git({"-C", sandbox_.file(dir), "add", text}).exit_code, 0);
        EXPECT_EQ(git({"-C", sandbox_.file(dir), "commit", "-q", "-m", text}).exit_code, 0);
    }

    // The subject of the newest commit of the server's repository.
    std::string server_head(const std::string& org) {
        return first_line(git({"--git-dir", sandbox_.file("srv/" + org + "/repo.git"), "log", "-1",
                               "--format=%s"})
                              .out);
    }

    Stub stub_{"git",
               {"--devserver", server_.url(), "--root", sandbox_.file("srv"), "--client",
                "org-a=" + kClient, "--client", "org-b=" + kOtherClient}};
};

TEST_F(GitCredential, ClonesAndPushesWithTheSitesCurrentToken) {
    write_policy(site("forge", "url_patterns = [\"" + stub_.url() + "/org-a/*\"]"));
    clone_commit_push(stub_.url() + "/org-a/repo.git", "work");
    EXPECT_EQ(server_head("org-a"), "change");
    // Clone and push used one token from latchkey's cache.
    EXPECT_EQ(issued(), 1);
}

TEST_F(GitCredential, AServerThatRefusesTheTokenMakesGitEraseItAndTheNextRunGetsANewOne) {
    write_policy(site("forge", "url_patterns = [\"" + stub_.url() + "/org-a/*\"]"));
    auto clone = git({"clone", "-q", stub_.url() + "/org-a/repo.git", sandbox_.file("work")});
    ASSERT_EQ(clone.exit_code, 0) << clone.err;
    server_.expire_tokens();  // the server no longer takes latchkey's cached token
    commit("work", "after-expiry");
    auto refused = git({"-C", sandbox_.file("work"), "push", "-q", "origin", "main"});
    EXPECT_NE(refused.exit_code, 0);
    EXPECT_NE(refused.err.find("Authentication failed"), std::string::npos) << refused.err;
    // git answered the 401 with `erase`: latchkey dropped that token.
    auto again = git({"-C", sandbox_.file("work"), "push", "-q", "origin", "main"});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(server_head("org-a"), "after-expiry");
    EXPECT_EQ(issued(), 2);
}

TEST_F(GitCredential, TwoSitesServeTwoPathsOfOneServer) {
    write_policy(site("team-a", "url_patterns = [\"" + stub_.url() + "/org-a/*\"]") +
                 site("team-b", "url_patterns = [\"" + stub_.url() + "/org-b/*\"]", kOtherClient));
    // The stub wants client demo's token under /org-a/ and other's under /org-b/.
    clone_commit_push(stub_.url() + "/org-a/repo.git", "a");
    clone_commit_push(stub_.url() + "/org-b/repo.git", "b");
    EXPECT_EQ(server_head("org-a"), "change");
    EXPECT_EQ(server_head("org-b"), "change");
    EXPECT_EQ(server_.issued(kClient), 1);
    EXPECT_EQ(server_.issued(kOtherClient), 1);
}

TEST_F(GitCredential, WithoutTheRemotesPathTwoSitesOfOneServerAreNamedAndNeitherIsGuessed) {
    write_policy(site("team-a", "url_patterns = [\"" + stub_.url() + "/org-a/*\"]") +
                 site("team-b", "url_patterns = [\"" + stub_.url() + "/org-b/*\"]", kOtherClient));
    ASSERT_EQ(git({"config", "--global", "credential.useHttpPath", "false"}).exit_code, 0);
    auto clone = git({"clone", "-q", stub_.url() + "/org-a/repo.git", sandbox_.file("a")});
    EXPECT_NE(clone.exit_code, 0);
    EXPECT_NE(clone.err.find("sites team-a and team-b both match"), std::string::npos) << clone.err;
    EXPECT_NE(clone.err.find("credential.useHttpPath"), std::string::npos) << clone.err;
    EXPECT_EQ(issued(), 0);
}

class GitCredentialExpiry : public GitCredential {
 protected:
    GitCredentialExpiry() : GitCredential(4) {}
};

TEST_F(GitCredentialExpiry, APushAfterTheTokenExpiredGetsTheRefreshedOne) {
    write_policy(site("forge", "url_patterns = [\"" + stub_.url() + "/org-a/*\"]"));
    auto clone = git({"clone", "-q", stub_.url() + "/org-a/repo.git", sandbox_.file("work")});
    ASSERT_EQ(clone.exit_code, 0) << clone.err;
    ASSERT_EQ(issued(), 1);
    // Wait (bounded) until latchkey itself sees the first token expired.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
        auto status = lk({"status", "-o", "json"});
        auto doc = parse_json(status.out);
        if (doc.IsObject() && !doc["sites"][0]["logged_in"].GetBool()) break;
        ASSERT_LT(std::chrono::steady_clock::now(), deadline) << status.out;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    commit("work", "after-expiry");
    auto push = git({"-C", sandbox_.file("work"), "push", "-q", "origin", "main"});
    ASSERT_EQ(push.exit_code, 0) << push.err;
    EXPECT_EQ(server_head("org-a"), "after-expiry");
    EXPECT_EQ(issued(), 2);
}

}  // namespace
}  // namespace latchkey::itest
