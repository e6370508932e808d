#include "util/core_dumps.hpp"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstring>

namespace latchkey::util {

std::string refuse_core_dumps() {
    std::string problem;
    // Both: a limit alone does not stop a core_pattern pipe (systemd-coredump,
    // apport), which the kernel feeds whatever RLIMIT_CORE says; the dumpable
    // flag stops every dump, and the limit also covers a later exec.
    struct rlimit none {};
    if (setrlimit(RLIMIT_CORE, &none) != 0)
        problem = std::string("setrlimit(RLIMIT_CORE): ") + std::strerror(errno);
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        problem = std::string("prctl(PR_SET_DUMPABLE): ") + std::strerror(errno);
    return problem;
}

}  // namespace latchkey::util
