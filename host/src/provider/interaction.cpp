#include "provider/interaction.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "util/printable.hpp"

extern char** environ;

namespace latchkey::provider {

std::atomic<bool>& cancelled() {
    static std::atomic<bool> flag{false};
    return flag;
}

TerminalInteraction::~TerminalInteraction() { clear_progress(); }

bool TerminalInteraction::interactive() const { return allowed_; }

void TerminalInteraction::clear_progress() {
    if (!progress_shown_) return;
    std::cerr << "\r\033[K" << std::flush;
    progress_shown_ = false;
}

void TerminalInteraction::notice(const std::string& text) {
    clear_progress();
    // What a provider shows comes from a server (a verification address, a
    // code): its line breaks are kept, every other control is escaped.
    std::cerr << util::printable(text, util::Newlines::keep) << std::endl;
}

void TerminalInteraction::progress(const std::string& line) {
    // Only a terminal can overwrite a line; a log file would fill with them.
    if (!allowed_ || !isatty(STDERR_FILENO)) return;
    if (line.empty()) return clear_progress();
    std::cerr << "\r\033[K" << util::printable(line) << std::flush;
    progress_shown_ = true;
}

std::optional<std::string> TerminalInteraction::prompt(const std::string& question, bool secret) {
    if (!interactive()) return std::nullopt;
    clear_progress();
    std::cerr << util::printable(question, util::Newlines::keep) << std::flush;
    termios old{};
    bool hide = secret && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    if (hide) {
        termios quiet = old;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string line;
    bool ok = static_cast<bool>(std::getline(std::cin, line));
    if (hide) tcsetattr(STDIN_FILENO, TCSANOW, &old);
    // The answer's newline was not echoed (hidden) or not typed here (a pipe).
    if (hide || !isatty(STDIN_FILENO)) std::cerr << std::endl;
    if (!ok) return std::nullopt;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

namespace {

// Starts argv with its output discarded. A browser may run for as long as the
// person keeps it open, and the login waits on what the person does in it, so
// this waits only briefly: long enough to see a command that fails at once.
bool start_browser(const char* const argv[]) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    // Nothing of ours (a loopback listener's socket, a store's lock) may live
    // on in a browser that outlasts this process.
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, nullptr, const_cast<char* const*>(argv), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) return false;
    for (int waited_ms = 0; waited_ms < 300; waited_ms += 10) {
        int status = 0;
        pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid) return WIFEXITED(status) && WEXITSTATUS(status) == 0;
        if (done < 0 && errno != EINTR) return true;
        usleep(10'000);
    }
    // Still running: a browser window is open. Reap it whenever it ends, so an
    // application embedding the host collects no zombies.
    std::thread([pid] {
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    }).detach();
    return true;
}

}  // namespace

bool TerminalInteraction::open_url(const std::string& url) {
    // $BROWSER is the person's (or a test's) explicit choice: one command, run
    // without a shell, so the URL cannot be interpreted as anything else.
    if (const char* browser = std::getenv("BROWSER"); browser && *browser) {
        const char* argv[] = {browser, url.c_str(), nullptr};
        return start_browser(argv);
    }
    // Only with a graphical session: xdg-open on a bare console would start a
    // text browser inside our own terminal.
    if (!std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY")) return false;
    const char* argv[] = {"xdg-open", url.c_str(), nullptr};
    return start_browser(argv);
}

}  // namespace latchkey::provider
