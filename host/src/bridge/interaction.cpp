#include "bridge/interaction.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

extern char** environ;

namespace latchkey::bridge {

std::atomic<bool>& cancelled() {
    static std::atomic<bool> flag{false};
    return flag;
}

bool TerminalInteraction::interactive() const { return allowed_ && isatty(STDIN_FILENO); }

void TerminalInteraction::notice(const std::string& text) { std::cerr << text << std::endl; }

std::optional<std::string> TerminalInteraction::prompt(const std::string& question, bool secret) {
    if (!interactive()) return std::nullopt;
    std::cerr << question << std::flush;
    termios old{};
    bool hide = secret && tcgetattr(STDIN_FILENO, &old) == 0;
    if (hide) {
        termios quiet = old;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string line;
    bool ok = static_cast<bool>(std::getline(std::cin, line));
    if (hide) {
        tcsetattr(STDIN_FILENO, TCSANOW, &old);
        std::cerr << std::endl;
    }
    if (!ok) return std::nullopt;
    return line;
}

bool TerminalInteraction::open_url(const std::string& url) {
    // Only with a graphical session: xdg-open on a bare console would start a
    // text browser inside our own terminal.
    if (!std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY")) return false;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    const char* argv[] = {"xdg-open", url.c_str(), nullptr};
    pid_t pid;
    int rc = posix_spawnp(&pid, "xdg-open", &fa, nullptr, const_cast<char* const*>(argv), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) return false;
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace latchkey::bridge
