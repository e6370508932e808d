#include "agent_fixture.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

namespace latchkey::itest {

AgentTest::AgentTest()
    : socket_(sandbox_.file("run/latchkey/agent.sock")), audit_file_(sandbox_.file("audit.log")) {
    env_[kSecretVar] = kSecret;
    never_print(kSecret);
    // $XDG_RUNTIME_DIR exists before anything runs in a session.
    mkdir(sandbox_.file("run").c_str(), 0700);
}

AgentTest::~AgentTest() {
    if (agent_) agent_->stop(15);
}

void AgentTest::start_agent(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {std::string(LATCHKEY_BUILD_DIR) + "/bin/latchkey",
                                     "--config",
                                     policy(),
                                     "agent",
                                     "--socket",
                                     socket_,
                                     "--audit-file",
                                     audit_file_};
    argv.insert(argv.end(), args.begin(), args.end());
    agent_ = std::make_unique<test::Child>(argv, options());
    auto line = agent_->read_line(20'000);
    ASSERT_TRUE(line) << "the agent did not start";
    ASSERT_NE(line->find("listening on " + socket_), std::string::npos) << *line;
}

int AgentTest::stop_agent(int signal) {
    int rc = agent_->stop(signal);
    agent_.reset();
    return rc;
}

CurlResult AgentTest::curl(const std::string& target, const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {
        "/usr/bin/curl",  "-sS",           "--max-time", "10", "-o", "-", "-w",
        "\n%{http_code}", "--unix-socket", socket_};
    argv.push_back("http://agent" + target);
    argv.insert(argv.end(), extra.begin(), extra.end());
    // Not recorded for the CLI's secret check: curl prints what the agent
    // served, tokens included, as it should.
    auto r = test::run(argv, options());
    CurlResult out;
    out.err = r.err;
    auto nl = r.out.rfind('\n');
    if (nl == std::string::npos) return out;
    out.body = r.out.substr(0, nl);
    out.status = std::atoi(r.out.c_str() + nl + 1);
    return out;
}

std::string AgentTest::raw(const std::string& bytes, int timeout_ms) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, socket_.c_str(), sizeof addr.sun_path - 1);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        close(fd);
        return "(connect failed)";
    }
    if (!bytes.empty() && write(fd, bytes.data(), bytes.size()) < 0) {
        close(fd);
        return "(write failed)";
    }
    std::string out;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{fd, POLLIN, 0};
        int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        deadline - std::chrono::steady_clock::now())
                                        .count());
        if (poll(&p, 1, std::max(left, 1)) <= 0) break;
        char buf[4096];
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    close(fd);
    return out;
}

std::string AgentTest::audit() const { return test::read_file(audit_file_); }

RunResult AgentTest::lk_in(const std::vector<std::string>& args, const std::string& stdin_data,
                           const std::map<std::string, std::optional<std::string>>& extra_env) {
    std::vector<std::string> all{"--config", policy()};
    all.insert(all.end(), args.begin(), args.end());
    RunOptions o = options(extra_env);
    o.stdin_data = stdin_data;
    RunResult r = test::latchkey(all, o);
    EXPECT_FALSE(r.timed_out) << "latchkey " << join_args(all) << " did not finish";
    record(all, r);
    return r;
}

}  // namespace latchkey::itest
