#include "cli_call.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "soak_support.hpp"

extern char** environ;

namespace soak {
namespace {

std::vector<char*> c_strings(std::vector<std::string>& v) {
    std::vector<char*> out;
    for (auto& s : v) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

}  // namespace

std::vector<std::string> environment_with(const std::map<std::string, std::string>& overrides) {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
        std::string entry = *e;
        const std::string name = entry.substr(0, entry.find('='));
        // The caller's own latchkey settings would change what is measured.
        if (!overrides.count(name) && name.rfind("LATCHKEY_", 0) != 0) env.push_back(entry);
    }
    for (auto& [k, v] : overrides) env.push_back(k + "=" + v);
    return env;
}

CliCall run_cli(const std::vector<std::string>& argv_in, const std::vector<std::string>& env_in,
                const std::string& err_path, int timeout_ms) {
    std::vector<std::string> argv = argv_in, env = env_in;
    auto cargv = c_strings(argv);
    auto cenv = c_strings(env);
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CliCall call;
    pid_t pid = -1;
    call.started_us = now_us();
    const int rc = posix_spawn(&pid, cargv[0], &fa, nullptr, cargv.data(), cenv.data());
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    if (rc != 0) {
        close(out[0]);
        throw std::runtime_error("cannot run " + argv[0] + ": " + std::strerror(rc));
    }
    const int64_t deadline = call.started_us + int64_t(timeout_ms) * 1000;
    std::string buf;
    for (;;) {
        const int64_t left_ms = (deadline - now_us()) / 1000;
        if (left_ms <= 0) {
            call.hung = true;
            kill(pid, SIGKILL);
            break;
        }
        pollfd p{out[0], POLLIN, 0};
        const int n = poll(&p, 1, static_cast<int>(left_ms));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) continue;
        char chunk[4096];
        const ssize_t got = read(out[0], chunk, sizeof chunk);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        buf.append(chunk, size_t(got));
        if (!call.answered_us && buf.find('\n') != std::string::npos) call.answered_us = now_us();
    }
    close(out[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    call.ended_us = now_us();
    call.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    call.out = buf.substr(0, buf.find('\n'));
    return call;
}

std::string first_line_of(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    if (line.size() > 160) line = line.substr(0, 157) + "...";
    return line;
}

}  // namespace soak
