// latchkey-provider-host: runs one site's provider plugin in a process of
// its own (a site's isolation = "process"), for latchkey, which starts it
// with the plugin file (and its pinned SHA-256) as arguments and talks to it
// on descriptor 3 (host/src/isolation/). Not meant to be run by hand.
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <cstdio>
#include <string>

#include "isolation/helper_process.hpp"
#include "isolation/helper_session.hpp"

int main(int argc, char** argv) {
    struct stat st {};
    if (argc < 2 || argc > 3 || ::fstat(3, &st) != 0 || !S_ISSOCK(st.st_mode)) {
        std::fprintf(stderr,
                     "latchkey-provider-host runs a provider plugin for latchkey, which starts "
                     "it (isolation = \"process\"); it is not meant to be run by hand\n");
        return 2;
    }
    // Before any plugin code runs: a plugin that eats memory fails here, at
    // this limit, and the secrets this process holds never reach a core file.
#ifndef LATCHKEY_SANITIZER_BUILD
    // (Not in a sanitizer build: its shadow memory alone is terabytes of
    // address space, so any such limit stops it before it starts; the tests
    // of this limit run in the normal build only, see tools/test.)
    rlimit as{static_cast<rlim_t>(latchkey::isolation::kHelperMemoryLimit),
              static_cast<rlim_t>(latchkey::isolation::kHelperMemoryLimit)};
    setrlimit(RLIMIT_AS, &as);
#endif
    rlimit core{0, 0};
    setrlimit(RLIMIT_CORE, &core);
    prctl(PR_SET_DUMPABLE, 0);
    return latchkey::isolation::serve_host(3, argv[1], argc == 3 ? argv[2] : "");
}
