#include "full_program.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace latchkey::front {

namespace {

// The full program's path: LATCHKEY_FRONT_TO_PROGRAM (from BINDIR, where
// the front door is) resolved against the directory of this executable.
std::string full_program_path() {
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return "";
    std::string dir(self, static_cast<size_t>(n));
    dir.erase(dir.rfind('/') + 1);
    return dir + LATCHKEY_FRONT_TO_PROGRAM;
}

}  // namespace

int run_full_program(char** argv) {
    std::string path = full_program_path();
    if (!path.empty()) execv(path.c_str(), argv);
    const int why = errno;
    std::fprintf(stderr,
                 "latchkey: error: cannot run the program %s: %s; it is installed with this "
                 "one (reinstall latchkey)\n",
                 path.empty() ? "(/proc/self/exe is unreadable)" : path.c_str(),
                 std::strerror(why));
    return 1;
}

}  // namespace latchkey::front
