// `latchkey exec [--env NAME]... [--header-env NAME]... -- PROGRAM ARGS...`:
// runs a program with the site's credential in its environment, for any
// tool that reads a token from a variable. No shell is involved (execvp);
// the program's exit code is latchkey's, and the signals a supervisor or a
// user sends latchkey (INT, TERM, HUP, QUIT, USR1, USR2) reach the program.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>

#include "agent_use.hpp"
#include "command.hpp"

extern char** environ;

namespace latchkey::cli {

namespace {

constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
volatile sig_atomic_t g_child = 0;

void forward(int sig, siginfo_t* info, void*) {
    // A terminal's Ctrl-C or Ctrl-\ (sent by the kernel) already reached
    // the program, which shares latchkey's process group: sending it again
    // would make it see two.
    if (info && info->si_code == SI_KERNEL) return;
    if (g_child > 0) kill(static_cast<pid_t>(g_child), sig);
}

struct ExecArgs {
    std::vector<std::string> env_names;
    std::vector<std::string> header_env_names;
    std::vector<std::string> argv;
    bool help = false;
};

constexpr const char* kUsage = "exec [--env NAME]... [--header-env NAME]... [--] PROGRAM [ARGS...]";

ExecArgs parse(const std::vector<std::string>& args) {
    ExecArgs out;
    auto usage_error = [](const std::string& what) {
        throw Error(ErrorKind::usage, "exec: " + what + " (see `latchkey exec --help`)");
    };
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        // The program's own words start at "--" or at the first non-option.
        if (a == "--" || a.empty() || a[0] != '-') {
            out.argv.assign(args.begin() + static_cast<long>(i + (a == "--" ? 1 : 0)), args.end());
            break;
        }
        if (a == "-h" || a == "--help") {
            out.help = true;
            return out;
        }
        std::string name = a.substr(0, a.find('='));
        if (name != "--env" && name != "--header-env") usage_error("unknown option " + a);
        std::string value;
        if (a.find('=') != std::string::npos)
            value = a.substr(a.find('=') + 1);
        else if (i + 1 < args.size())
            value = args[++i];
        else
            usage_error(a + " needs a variable name");
        bool valid = !value.empty() && !std::isdigit(static_cast<unsigned char>(value[0]));
        for (char c : value)
            valid = valid && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
        if (!valid) usage_error(name + " " + value + ": not a variable name (letters, digits, _)");
        (name == "--env" ? out.env_names : out.header_env_names).push_back(value);
    }
    if (out.argv.empty())
        usage_error("name the program to run: latchkey exec -- PROGRAM [ARGS...]");
    return out;
}

// latchkey's environment with `set` replacing or adding variables.
std::vector<std::string> child_environment(
    const std::vector<std::pair<std::string, std::string>>& set) {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
        std::string_view entry(*e);
        std::string_view name = entry.substr(0, entry.find('='));
        bool replaced = false;
        for (auto& [k, v] : set) replaced = replaced || name == k;
        if (!replaced) env.emplace_back(entry);
    }
    for (auto& [k, v] : set) env.push_back(k + "=" + v);
    return env;
}

int exit_status_of(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (!WIFSIGNALED(status)) return 1;
    // Killed by a signal: die of the same one, so whoever started latchkey
    // sees what happened to the program (a shell prints "Terminated").
    int sig = WTERMSIG(status);
    std::signal(sig, SIG_DFL);
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, sig);
    sigprocmask(SIG_UNBLOCK, &one, nullptr);
    raise(sig);
    return 128 + sig;  // a signal whose default is to go on
}

int exec_program(Context& ctx) {
    ExecArgs a = parse(ctx.args);
    if (a.help) {
        std::cout << "usage: latchkey [global options] " << kUsage
                  << "\n\nRuns PROGRAM (no shell) with the site's credential in its environment."
                     "\n  --env NAME         the token in $NAME (repeatable; default "
                     "LATCHKEY_TOKEN)\n  --header-env NAME  the whole header line, e.g. "
                     "`Authorization: Bearer ...`, in $NAME (repeatable)\n\nThe exit code is "
                     "PROGRAM's (127: not found, 126: not executable); INT, TERM, HUP, QUIT, "
                     "USR1 and USR2 sent to latchkey reach PROGRAM."
                  << std::endl;
        return 0;
    }
    if (a.env_names.empty() && a.header_env_names.empty()) a.env_names.push_back("LATCHKEY_TOKEN");
    SiteCredential c = site_credential(ctx, "");
    std::vector<std::pair<std::string, std::string>> set;
    for (auto& n : a.env_names) set.emplace_back(n, c.token);
    for (auto& n : a.header_env_names) set.emplace_back(n, c.header);
    // Built before fork: the child only calls async-signal-safe functions.
    std::vector<std::string> env = child_environment(set);
    std::vector<char*> envp, argv;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    for (auto& w : a.argv) argv.push_back(w.data());
    argv.push_back(nullptr);

    // The child reports a failed exec through this pipe (closed on success).
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0)
        throw Error(ErrorKind::internal, std::string("exec: pipe: ") + std::strerror(errno));
    sigset_t forwarded, before;
    sigemptyset(&forwarded);
    for (int sig : kForwarded) sigaddset(&forwarded, sig);
    // Blocked until the child's pid is known, so none is lost in between.
    sigprocmask(SIG_BLOCK, &forwarded, &before);
    std::cout.flush();
    std::cerr.flush();
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        sigprocmask(SIG_SETMASK, &before, nullptr);
        throw Error(ErrorKind::internal, std::string("exec: fork: ") + std::strerror(e));
    }
    if (pid == 0) {
        close(report[0]);
        for (int sig : kForwarded) signal(sig, SIG_DFL);
        sigprocmask(SIG_SETMASK, &before, nullptr);
        execvpe(argv[0], argv.data(), envp.data());
        int e = errno;
        (void)!write(report[1], &e, sizeof e);
        _exit(127);
    }
    close(report[1]);
    g_child = pid;
    struct sigaction sa {};
    sa.sa_sigaction = forward;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    for (int sig : kForwarded) sigaction(sig, &sa, nullptr);
    sigprocmask(SIG_SETMASK, &before, nullptr);
    // The token is the program's now; latchkey's copies go.
    for (auto& e : env) std::fill(e.begin(), e.end(), '\0');

    int exec_errno = 0;
    ssize_t got;
    do got = read(report[0], &exec_errno, sizeof exec_errno);
    while (got < 0 && errno == EINTR);
    close(report[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    g_child = 0;  // its pid may be another process's from now on
    if (got == static_cast<ssize_t>(sizeof exec_errno)) {
        bool missing = exec_errno == ENOENT || exec_errno == ENOTDIR;
        std::cerr << "latchkey: exec: " << display(a.argv[0]) << ": "
                  << (missing ? "command not found" : std::strerror(exec_errno)) << std::endl;
        return missing ? 127 : 126;
    }
    return exit_status_of(status);
}

}  // namespace

Command exec_command() {
    return {"exec", "run a program with the site's token in its environment (no shell)",
            exec_program};
}

}  // namespace latchkey::cli
