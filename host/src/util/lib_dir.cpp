#include "util/lib_dir.hpp"

#include <dlfcn.h>
#include <link.h>

#include <boost/dll/runtime_symbol_info.hpp>
#include <cstring>
#include <filesystem>
#include <vector>

namespace latchkey::util {

namespace fs = std::filesystem;

namespace {

// LIBDIR when it holds latchkey's own directory; nullopt otherwise.
std::optional<std::string> if_latchkey_lib(const fs::path& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir / "latchkey", ec)) return std::nullopt;
    return dir.lexically_normal().string();
}

}  // namespace

namespace {

std::optional<std::string> find_lib_dir() {
    // The object this code runs from: liblatchkey.so, or the program it is
    // linked into, whose link map has no name.
    Dl_info info;
    link_map* self = nullptr;
    if (!dladdr1(reinterpret_cast<void*>(&lib_dir), &info, reinterpret_cast<void**>(&self),
                 RTLD_DL_LINKMAP) ||
        !self)
        return std::nullopt;
    std::vector<fs::path> objects;
    if (self->l_name && self->l_name[0]) {
        objects.emplace_back(self->l_name);
    } else {
        // The program: /proc/self/exe, unless it was started as `ld.so
        // PROGRAM` (that names the loader); then argv[0], which dladdr
        // reports, names it when it is a path. A bare argv[0] was found
        // through PATH and says nothing.
        std::error_code ec;
        auto program = boost::dll::program_location(ec);
        if (!ec) objects.emplace_back(program.string());
        if (info.dli_fname && std::strchr(info.dli_fname, '/'))
            objects.emplace_back(fs::absolute(info.dli_fname, ec));
    }
    // A library sits in LIBDIR; a program in BINDIR, with LIBDIR where the
    // install put it relative to BINDIR (the build tree has bin/ and lib/);
    // the provider helper in LIBDIR/latchkey/; the `latchkey` program behind
    // the front door in LIBEXECDIR/latchkey/.
    for (const fs::path& object : objects) {
        const fs::path dir = object.parent_path();
        if (dir.filename() == "latchkey" && object.filename() == "latchkey-provider-host")
            if (auto lib = if_latchkey_lib(dir.parent_path())) return lib;
        if (dir.filename() == "latchkey" && object.filename() == "latchkey")
            for (const fs::path& candidate :
                 {dir / LATCHKEY_PROGRAMDIR_TO_LIBDIR, dir / "../../lib"})
                if (auto lib = if_latchkey_lib(candidate)) return lib;
        for (const fs::path& candidate : {dir, dir / LATCHKEY_BINDIR_TO_LIBDIR, dir / "../lib"})
            if (auto lib = if_latchkey_lib(candidate)) return lib;
    }
    return std::nullopt;
}

}  // namespace

// Found once: the answer cannot change while the process runs.
std::optional<std::string> lib_dir() {
    static const std::optional<std::string> dir = find_lib_dir();
    return dir;
}

}  // namespace latchkey::util
