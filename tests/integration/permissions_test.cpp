// The file token store's permissions as a user meets them: latchkey creates
// a private store, and refuses (with the command that fixes it) a store or a
// token file that other users could read. A refused file is left in place.
#include <sys/stat.h>

#include <filesystem>

#include "cli_test.hpp"

namespace latchkey::itest {
namespace {

namespace fs = std::filesystem;

unsigned mode_of(const std::string& path) {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) return 0;
    return st.st_mode & 07777;
}

class StorePermissions : public DevServerTest {
   protected:
    void SetUp() override { write_cc_policy(); }

    // The one stored credential file.
    std::string stored_file() {
        std::string found;
        for (auto& e : fs::directory_iterator(state_dir()))
            if (e.path().extension() == ".json") {
                EXPECT_TRUE(found.empty()) << "more than one stored credential";
                found = e.path().string();
            }
        return found;
    }
};

TEST_F(StorePermissions, StoreIsCreatedPrivate) {
    auto r = lk({"token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(mode_of(state_dir()), 0700u);
    std::string file = stored_file();
    ASSERT_FALSE(file.empty());
    EXPECT_EQ(mode_of(file), 0600u);
    // Written atomically: no temporary file is left behind.
    for (auto& e : fs::directory_iterator(state_dir()))
        EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos) << e.path();
}

TEST_F(StorePermissions, OpenStoreDirectoryIsRefused) {
    fs::create_directories(state_dir());
    ASSERT_EQ(chmod(state_dir().c_str(), 0755), 0);
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("chmod 700 " + state_dir()), std::string::npos) << r.err;
    EXPECT_EQ(server_.issued(kClient), 0) << "nothing is fetched into a store that would leak it";
    EXPECT_EQ(mode_of(state_dir()), 0755u) << "latchkey reports, it does not change modes behind the user's back";

    ASSERT_EQ(chmod(state_dir().c_str(), 0700), 0);
    auto fixed = lk({"token"});
    EXPECT_EQ(fixed.exit_code, 0) << fixed.err;
}

TEST_F(StorePermissions, ReadableTokenFileIsRefusedAndKept) {
    auto first = lk({"token"});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    std::string file = stored_file();
    ASSERT_FALSE(file.empty());
    std::string before = test::read_file(file);
    ASSERT_EQ(chmod(file.c_str(), 0644), 0);

    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("chmod 600 " + file), std::string::npos) << r.err;
    EXPECT_TRUE(fs::exists(file));
    EXPECT_EQ(test::read_file(file), before);
    EXPECT_EQ(server_.issued(kClient), 1);

    auto st = lk({"status"});
    EXPECT_EQ(st.exit_code, 1);
    EXPECT_NE(st.out.find("chmod 600"), std::string::npos) << st.out;

    ASSERT_EQ(chmod(file.c_str(), 0600), 0);
    auto fixed = lk({"token"});
    ASSERT_EQ(fixed.exit_code, 0) << fixed.err;
    EXPECT_EQ(fixed.out, first.out);
    EXPECT_EQ(server_.issued(kClient), 1);
}

}  // namespace
}  // namespace latchkey::itest
