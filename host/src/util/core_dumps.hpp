// Keeping a process that holds secrets out of core files.
#pragma once

#include <string>

namespace latchkey::util {

// Marks the process non-dumpable (prctl PR_SET_DUMPABLE 0: no core file, no
// ptrace attach by other processes of the same user, /proc/PID owned by
// root) and sets RLIMIT_CORE to 0, soft and hard, so neither a crash nor a
// signal such as SIGABRT writes a core holding a client secret, a refresh
// token or an access token. Returns why it could not, or "" when it did.
std::string refuse_core_dumps();

}  // namespace latchkey::util
