// A writer killed between writing a credential and renaming it into place
// left `.KEY.tmp.PID.RAND` holding a complete credential, which outlived
// `latchkey logout` while `storage list` said "not stored". The file store
// now writes to an unnamed file (O_TMPFILE) and sweeps the temporary files
// of writers that are gone. These tests leave such a file the way a killed
// writer did (a dead process's id in its name) and check what remains.
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "cli_test.hpp"

namespace latchkey::itest {
namespace {

namespace fs = std::filesystem;

// The id of a process that has exited and been reaped.
pid_t dead_pid() {
    pid_t pid = fork();
    if (pid == 0) _exit(0);
    int status = 0;
    waitpid(pid, &status, 0);
    return pid;
}

class StrayTemp : public DevServerTest {
 protected:
    // Logs in, then leaves a killed writer's temporary copy of the
    // credential with `pid` in its name; returns its path.
    std::string leave_stray(pid_t pid, const std::string& suffix = "a1b2c3d4") {
        write_cc_policy();
        auto t = lk({"token"});
        EXPECT_EQ(t.exit_code, 0) << t.err;
        token_ = first_line(t.out);
        token_like(token_);
        auto show = lk({"-o", "json", "sites", "show"});
        auto d = parse_json(show.out);
        std::string key = json_string(d, "storage_key");
        std::string stored = test::read_file(state_dir() + "/" + key + ".json");
        EXPECT_NE(stored.find(token_), std::string::npos);
        std::string name = "." + key + ".tmp." + std::to_string(pid) + "." + suffix;
        return sandbox_.write("state/latchkey/" + name, stored);
    }
    // Every file of the store that holds the token.
    std::vector<std::string> files_with_token() const {
        std::vector<std::string> out;
        for (auto& e : fs::directory_iterator(state_dir()))
            if (test::read_file(e.path()).find(token_) != std::string::npos)
                out.push_back(e.path().filename());
        return out;
    }
    std::string token_;
};

TEST_F(StrayTemp, LogoutLeavesNoFileHoldingTheCredential) {
    std::string stray = leave_stray(dead_pid());
    ASSERT_TRUE(fs::exists(stray));
    auto out = lk({"logout"});
    ASSERT_EQ(out.exit_code, 0) << out.err;
    EXPECT_EQ(files_with_token(), std::vector<std::string>{});
    EXPECT_FALSE(fs::exists(stray));
    auto list = lk({"storage", "list"});
    EXPECT_NE(list.out.find("not stored"), std::string::npos) << list.out;
}

TEST_F(StrayTemp, AnyUseOfTheStoreSweepsADeadWritersFile) {
    std::string stray = leave_stray(dead_pid());
    auto st = lk({"status"});
    ASSERT_EQ(st.exit_code, 0) << st.err;
    EXPECT_FALSE(fs::exists(stray)) << "a dead writer's temporary file survived `status`";
    // The credential itself is untouched.
    EXPECT_NE(st.out.find("valid"), std::string::npos) << st.out;
}

TEST_F(StrayTemp, ALiveWritersFileIsLeftAloneUntilItIsStale) {
    // This test process plays a writer between its link and its rename.
    std::string live = leave_stray(getpid(), "11111111");
    ASSERT_EQ(lk({"status"}).exit_code, 0);
    EXPECT_TRUE(fs::exists(live)) << "a live writer's file was removed under it";
    // A file a minute old outlived its writer, whoever has that id now.
    struct timeval old[2] = {{time(nullptr) - 120, 0}, {time(nullptr) - 120, 0}};
    ASSERT_EQ(utimes(live.c_str(), old), 0);
    ASSERT_EQ(lk({"status"}).exit_code, 0);
    EXPECT_FALSE(fs::exists(live));
}

}  // namespace
}  // namespace latchkey::itest
