// One provider helper process (latchkey-provider-host), from the host's
// side: started with posix_spawn (never a bare fork of a process that holds
// secrets), talked to over a socket pair on its descriptor 3, its standard
// streams on /dev/null (nothing a plugin prints reaches the terminal), its
// environment cut down to what HTTP needs (no other site's secret travels
// in a variable), and killed and reaped when it is no longer wanted.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace latchkey::isolation {

// The address-space limit the helper sets on itself before it loads the
// plugin (RLIMIT_AS): a plugin that eats memory fails there, not here.
inline constexpr long long kHelperMemoryLimit = 1024ll << 20;

// Where latchkey-provider-host is: LIBDIR/latchkey/ (util/lib_dir.hpp), in
// the build tree as once installed.
std::string helper_program();

class HelperProcess {
 public:
    // Starts `program` with `args`. Throws Error(plugin) when it cannot.
    HelperProcess(const std::string& program, const std::vector<std::string>& args);
    ~HelperProcess();
    HelperProcess(const HelperProcess&) = delete;
    HelperProcess& operator=(const HelperProcess&) = delete;

    int fd() const { return fd_; }
    // Kills the helper (SIGKILL) if it runs, and reaps it. `gently` first
    // closes its socket and gives it a moment to end by itself.
    void stop(bool gently = false);
    // How the helper ended ("exited with status 3", "was killed by signal
    // 11 (SIGSEGV: Segmentation fault)"), waiting up to `wait_ms` for it to
    // end; "is still running" when it has not.
    std::string ending(int wait_ms);

 private:
    pid_t pid_ = -1;
    int fd_ = -1;
    bool reaped_ = false;
    int status_ = 0;
};

}  // namespace latchkey::isolation
