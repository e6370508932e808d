#include "check_child.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <iostream>

extern char** environ;

namespace latchkey::check {

namespace {

int verdict_fd = -1;

std::string read_all(int fd) {
    std::string got;
    char buf[4096];
    for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) got.append(buf, static_cast<size_t>(n));
    return got;
}

// The child's environment: under AddressSanitizer its reports go to its
// standard error, where the parent reads them (not to a log_path the test
// run collects: a leak there is the plugin's, and this check's verdict), and
// only the leak check's child looks for leaks.
std::vector<std::string> child_environment(bool watch_leaks) {
    std::vector<std::string> env;
    std::string asan, lsan;
    for (char** e = environ; *e; ++e) {
        std::string_view v = *e;
        if (v.starts_with("ASAN_OPTIONS="))
            asan = v.substr(13);
        else if (v.starts_with("LSAN_OPTIONS="))
            lsan = v.substr(13);
        else
            env.emplace_back(v);
    }
    if (!under_leak_sanitizer()) {
        if (!asan.empty()) env.push_back("ASAN_OPTIONS=" + asan);
        if (!lsan.empty()) env.push_back("LSAN_OPTIONS=" + lsan);
        return env;
    }
    // Later flags win over earlier ones; ASan reads LSAN_OPTIONS after ASAN_OPTIONS.
    // intercept_tls_get_addr=0: GCC 12's leak checker otherwise dies ("Tracer
    // caught signal 11") scanning the thread-local storage of a library the
    // provider loaded (libxml2, OpenSSL); such storage is then not scanned
    // for pointers, which could only add a report, never hide one.
    const std::string ours =
        std::string(":log_path=stderr:intercept_tls_get_addr=0:detect_leaks=") +
        (watch_leaks ? "1" : "0");
    env.push_back("ASAN_OPTIONS=" + asan + ours);
    env.push_back("LSAN_OPTIONS=" + lsan + ours);
    return env;
}

// The sanitizer's one-line summary in the child's output, or "".
std::string sanitizer_summary(const std::string& output) {
    const std::string tag = "SUMMARY: AddressSanitizer: ";
    size_t at = output.find(tag);
    if (at == std::string::npos) return "";
    size_t end = output.find('\n', at);
    return output.substr(at + tag.size(), end == std::string::npos ? end : end - at - tag.size());
}

}  // namespace

bool under_leak_sanitizer() {
#if defined(__SANITIZE_ADDRESS__)
    return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return true;
#else
    return false;
#endif
#else
    return false;
#endif
}

void run_child_check(Report& report, const std::string& check, const std::vector<std::string>& args,
                     bool watch_leaks) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return report.fail(check, "cannot make a pipe");
    // The child's standard error, read once it has ended (a pipe could fill
    // while the parent waits for the verdict).
    FILE* log = std::tmpfile();
    if (!log) {
        close(fds[0]);
        close(fds[1]);
        return report.fail(check, "cannot make a temporary file");
    }
    fcntl(fileno(log), F_SETFD, FD_CLOEXEC);

    std::vector<std::string> argv_text = {"latchkey-provider-check", kRunCheck, check};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_text) argv.push_back(a.data());
    argv.push_back(nullptr);
    auto env_text = child_environment(watch_leaks);
    std::vector<char*> envp;
    for (auto& e : env_text) envp.push_back(e.data());
    envp.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fileno(log), STDERR_FILENO);
    std::cout.flush();
    pid_t pid = 0;
    int spawned = posix_spawn(&pid, "/proc/self/exe", &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (spawned != 0) {
        close(fds[0]);
        std::fclose(log);
        return report.fail(check, std::string("cannot start a child: ") + std::strerror(spawned));
    }
    std::string got = read_all(fds[0]);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    lseek(fileno(log), 0, SEEK_SET);
    std::string output = read_all(fileno(log));
    std::fclose(log);
    // What the plugin (or a sanitizer) said stays visible, as it was said.
    std::cerr << output;

    if (WIFSIGNALED(status))
        return report.fail(check, "the plugin crashed or let an exception escape (signal " +
                                      std::to_string(WTERMSIG(status)) + ")");
    std::string summary = sanitizer_summary(output);
    if (got.empty())
        return report.fail(check, summary.empty() ? "the check ended without a verdict"
                                                  : "AddressSanitizer: " + summary);
    if (got[0] == 'P' && WEXITSTATUS(status) != 0) {
        if (output.find("LeakSanitizer") != std::string::npos)
            return report.fail(check, "LeakSanitizer: " + summary);
        return report.fail(check, "exited with status " + std::to_string(WEXITSTATUS(status)) +
                                      (summary.empty() ? "" : ": " + summary));
    }
    if (got[0] == 'P') return report.pass(check, got.substr(1));
    report.fail(check, got.substr(1));
}

void take_verdict_channel() {
    std::cout.flush();
    verdict_fd = dup(STDOUT_FILENO);
    dup2(STDERR_FILENO, STDOUT_FILENO);
}

void send_verdict(bool ok, const std::string& detail) {
    std::string out = (ok ? "P" : "F") + detail;
    if (write(verdict_fd, out.data(), out.size()) < 0) std::_Exit(3);
    close(verdict_fd);
}

}  // namespace latchkey::check
