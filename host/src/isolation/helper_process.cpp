#include "isolation/helper_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "latchkey/error.hpp"
#include "util/lib_dir.hpp"

extern char** environ;

namespace latchkey::isolation {

namespace {

// What the helper may see of the environment: what libcurl and OpenSSL read
// (proxies, CA bundles), the locale, temporary files and the sanitizers' and
// loader's settings. Secrets of other sites arrive in variables too
// ({ env = ... }); they stay here.
bool passed_to_helper(const std::string& name) {
    static const char* const kept[] = {"PATH",
                                       "HOME",
                                       "LANG",
                                       "LC_ALL",
                                       "LC_CTYPE",
                                       "TZ",
                                       "TMPDIR",
                                       "http_proxy",
                                       "https_proxy",
                                       "HTTP_PROXY",
                                       "HTTPS_PROXY",
                                       "all_proxy",
                                       "ALL_PROXY",
                                       "no_proxy",
                                       "NO_PROXY",
                                       "SSL_CERT_FILE",
                                       "SSL_CERT_DIR",
                                       "CURL_CA_BUNDLE",
                                       "LD_LIBRARY_PATH",
                                       "ASAN_OPTIONS",
                                       "UBSAN_OPTIONS",
                                       "LSAN_OPTIONS",
                                       "TSAN_OPTIONS"};
    for (const char* k : kept)
        if (name == k) return true;
    return false;
}

std::vector<std::string> helper_environment() {
    std::vector<std::string> out;
    for (char** e = environ; e && *e; ++e) {
        std::string entry(*e);
        auto eq = entry.find('=');
        if (eq != std::string::npos && passed_to_helper(entry.substr(0, eq))) out.push_back(entry);
    }
    return out;
}

std::string signal_text(int sig) {
    const char* abbrev = sigabbrev_np(sig);
    const char* desc = sigdescr_np(sig);
    return "signal " + std::to_string(sig) + " (" + (abbrev ? "SIG" + std::string(abbrev) : "?") +
           (desc ? std::string(": ") + desc : "") + ")";
}

}  // namespace

std::string helper_program() {
    if (auto lib = util::lib_dir()) return *lib + "/latchkey/latchkey-provider-host";
    return LATCHKEY_HELPER_FALLBACK;
}

HelperProcess::HelperProcess(const std::string& program, const std::vector<std::string>& args) {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
        throw Error(ErrorKind::plugin, std::string("cannot make a socket pair for the provider "
                                                   "helper: ") +
                                           std::strerror(errno));
    // The helper's end is moved to descriptor 3 in the child; keep it clear
    // of 0-3 here so the dup2 never overwrites it.
    int theirs = ::fcntl(pair[1], F_DUPFD_CLOEXEC, 10);
    ::close(pair[1]);
    fd_ = pair[0];

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, theirs, 3);
    // Nothing else this process has open (a store's files, an application's
    // sockets) reaches the helper, whether or not it was opened close-on-exec.
    posix_spawn_file_actions_addclosefrom_np(&fa, 4);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // Default signal handling in the helper: the host may ignore SIGPIPE or
    // catch SIGINT; the helper must not inherit that.
    sigset_t all;
    sigfillset(&all);
    posix_spawnattr_setsigdefault(&attr, &all);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

    std::vector<std::string> argv_s = {program};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_s = helper_environment();
    std::vector<char*> envp;
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);

    int rc = posix_spawn(&pid_, program.c_str(), &fa, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    ::close(theirs);
    if (rc != 0) {
        ::close(fd_);
        fd_ = -1;
        pid_ = -1;
        throw Error(ErrorKind::plugin, "cannot start the provider helper " + program + ": " +
                                           std::strerror(rc) + " (reinstall latchkey)");
    }
}

HelperProcess::~HelperProcess() { stop(true); }

void HelperProcess::stop(bool gently) {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    // A helper reading its socket sees it close, destroys the provider and
    // exits; one that does not within a moment is killed.
    if (gently && pid_ > 0 && !reaped_) ending(200);
    if (pid_ > 0 && !reaped_) {
        ::kill(pid_, SIGKILL);
        while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
        }
        reaped_ = true;
    }
}

std::string HelperProcess::ending(int wait_ms) {
    using namespace std::chrono;
    auto until = steady_clock::now() + milliseconds(wait_ms);
    while (!reaped_ && pid_ > 0) {
        pid_t r = ::waitpid(pid_, &status_, WNOHANG);
        if (r == pid_) {
            reaped_ = true;
            break;
        }
        if (r < 0 && errno != EINTR) return "is gone";
        if (steady_clock::now() >= until) return "is still running";
        std::this_thread::sleep_for(milliseconds(5));
    }
    if (WIFSIGNALED(status_)) return "was killed by " + signal_text(WTERMSIG(status_));
    if (WIFEXITED(status_)) return "exited with status " + std::to_string(WEXITSTATUS(status_));
    return "ended";
}

}  // namespace latchkey::isolation
