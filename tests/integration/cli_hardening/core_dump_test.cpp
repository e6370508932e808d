// A `latchkey login` waiting on a device login holds the client secret. A
// SIGABRT (or a crash) then must not write a core file holding it, even with
// core dumps enabled by the caller (RLIMIT_CORE unlimited).
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "cli_test.hpp"

namespace latchkey::itest {
namespace {

namespace fs = std::filesystem;

const std::string kDeviceClient = "device-conf";
const std::string kDeviceSecret = "Dev1ce-Core-Secret-4u7";

std::string read_small(const std::string& path) {
    std::ifstream in(path);
    std::string text, line;
    while (std::getline(in, line)) text += line + "\n";
    return text;
}

// "Max core file size  0  0  bytes": the soft limit, as /proc shows it.
std::string core_limit(pid_t pid) {
    std::string limits = read_small("/proc/" + std::to_string(pid) + "/limits");
    auto at = limits.find("Max core file size");
    if (at == std::string::npos) return "";
    std::string line = limits.substr(at, limits.find('\n', at) - at);
    std::istringstream words(line.substr(std::string("Max core file size").size()));
    std::string soft;
    words >> soft;
    return soft;
}

class CoreDump : public CliTest {
 protected:
    CoreDump()
        : server_({"--client", kDeviceClient + ":" + kDeviceSecret, "--setting",
                   "device_interval=0.2"}) {
        env_["DEVICE_SECRET"] = kDeviceSecret;
        never_print(kDeviceSecret);
        write_policy("[sites.dev]\nprovider = \"oauth2-device-code\"\nissuer = \"" + server_.url() +
                     "\"\nclient_id = \"" + kDeviceClient +
                     "\"\nclient_secret = { env = \"DEVICE_SECRET\" }\n");
    }
    test::DevServer server_;
};

TEST_F(CoreDump, ASigabrtDuringAWaitingLoginWritesNoCore) {
    // Where the kernel would write a core: "core" (or core.PID) in the
    // process's directory when core_pattern is a plain relative name.
    std::string pattern = read_small("/proc/sys/kernel/core_pattern");
    pattern = pattern.substr(0, pattern.find('\n'));
    const bool core_in_cwd = !pattern.empty() && pattern[0] != '|' && pattern[0] != '/';

    test::RunOptions o = options();
    const std::string err_file = sandbox_.file("login.err");
    // Core dumps enabled by the caller, as a developer's shell might.
    test::Child login(
        {"/bin/sh", "-c", "ulimit -c unlimited && exec \"$0\" \"$@\" 2>\"" + err_file + "\"",
         LATCHKEY_CLI_PATH, "--config", policy(), "login"},
        o);
    bool pending = false;
    for (int i = 0; i < 150 && !pending; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        pending = !server_.pending_user_codes().empty();
    }
    ASSERT_TRUE(pending) << test::read_file(err_file);

    // The waiting process refuses core dumps, whatever it was started with.
    EXPECT_EQ(core_limit(login.pid()), "0");

    int code = login.stop(SIGABRT);
    EXPECT_EQ(code, 128 + SIGABRT);
    record({"login"}, test::RunResult{code, "", test::read_file(err_file), false});
    std::vector<std::string> cores;
    for (auto& e : fs::directory_iterator(sandbox_.path())) {
        std::string name = e.path().filename();
        if (name.rfind("core", 0) == 0) cores.push_back(name);
    }
    if (core_in_cwd) {
        EXPECT_EQ(cores, std::vector<std::string>{}) << "core_pattern: " << pattern;
    }
    for (auto& c : cores)
        EXPECT_EQ(test::read_file(sandbox_.file(c)).find(kDeviceSecret), std::string::npos)
            << c << " holds the client secret";
}

}  // namespace
}  // namespace latchkey::itest
