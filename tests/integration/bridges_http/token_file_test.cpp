// token_file and `latchkey token --write`: the file holds the current token,
// 0600, replaced by rename (never written in place), untouched when the
// token did not change.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli_test.hpp"

namespace latchkey::itest {
namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

struct stat stat_of(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
    return st;
}

class TokenFileTest : public DevServerTest {
 protected:
    std::string token() {
        auto r = lk({"token"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return first_line(r.out);
    }
};

TEST_F(TokenFileTest, WriteKeepsTheFileHoldingTheCurrentTokenReplacedAtomically) {
    write_cc_policy("token_file = \"~/run/bearer_token\"\n");  // ~ is the sandbox's HOME
    std::filesystem::create_directory(sandbox_.file("run"));
    const std::string path = sandbox_.file("run/bearer_token");
    // A stale file another tool left, readable by everyone.
    sandbox_.write("run/bearer_token", "old-token");
    chmod(path.c_str(), 0644);
    ino_t stale_inode = stat_of(path).st_ino;

    auto w = lk({"token", "--write"});
    ASSERT_EQ(w.exit_code, 0) << w.err;
    EXPECT_EQ(w.out, "dev: " + path + " written\n");
    const std::string first = token();
    EXPECT_EQ(read_file(path), first);
    struct stat st = stat_of(path);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    EXPECT_NE(st.st_ino, stale_inode);  // a new file renamed over the old one
    // Nothing but the file in its directory: no temporary left behind.
    size_t entries = 0;
    for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(sandbox_.file("run")))
        ++entries;
    EXPECT_EQ(entries, 1u);

    auto same = lk({"token", "--write"});
    ASSERT_EQ(same.exit_code, 0) << same.err;
    EXPECT_EQ(same.out, "dev: " + path + " unchanged\n");
    EXPECT_EQ(stat_of(path).st_ino, st.st_ino);

    // A new token (the old one logged out): the file follows.
    ASSERT_EQ(lk({"logout"}).exit_code, 0);
    auto next = lk({"token", "--write"});
    ASSERT_EQ(next.exit_code, 0) << next.err;
    EXPECT_EQ(next.out, "dev: " + path + " written\n");
    const std::string second = token();
    EXPECT_NE(second, first);
    EXPECT_EQ(read_file(path), second);
    EXPECT_EQ(stat_of(path).st_mode & 07777, 0600u);
}

TEST_F(TokenFileTest, AllWritesEverySiteThatNamesAFile) {
    write_policy(cc_site("a", "token_file = \"" + sandbox_.file("a.token") + "\"\n") +
                 cc_site("b", "", kOtherClient) + "\n");
    auto r = lk({"token", "--write", "--all"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "a: " + sandbox_.file("a.token") + " written\n");
    EXPECT_EQ(server_.issued(kOtherClient), 0);  // b names no file: not even fetched
    auto one = lk({"--at", "b", "token", "--write"});
    EXPECT_EQ(one.exit_code, 1);
    EXPECT_NE(one.err.find("site 'b' names no token_file; add token_file = \"PATH\" to [sites.b]"),
              std::string::npos)
        << one.err;
}

TEST_F(TokenFileTest, AFileThatCannotBeWrittenIsAnErrorNamingItAndNothingIsLeft) {
    write_cc_policy("token_file = \"" + sandbox_.file("no-such-dir/token") + "\"\n");
    auto missing = lk({"token", "--write"});
    EXPECT_NE(missing.exit_code, 0);
    EXPECT_NE(missing.err.find(sandbox_.file("no-such-dir")), std::string::npos) << missing.err;
    std::filesystem::create_directory(sandbox_.file("a-directory"));
    write_cc_policy("token_file = \"" + sandbox_.file("a-directory") + "\"\n");
    auto dir = lk({"token", "--write"});
    EXPECT_NE(dir.exit_code, 0);
    EXPECT_NE(dir.err.find(sandbox_.file("a-directory") + " exists and is not a regular file"),
              std::string::npos)
        << dir.err;
    auto both = lk({"token", "--write", "--header"});
    EXPECT_EQ(both.exit_code, 2);
}

}  // namespace
}  // namespace latchkey::itest
