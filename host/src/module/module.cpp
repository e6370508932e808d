#include "module/module.hpp"

#include <dlfcn.h>

#include <map>
#include <mutex>

#include "util/lib_dir.hpp"

namespace latchkey::module {

namespace {

// Where modules are looked for: LIBDIR/latchkey/modules (util/lib_dir.hpp),
// in the build tree as once installed.
std::string directory() {
    if (auto lib = util::lib_dir()) return *lib + "/latchkey/modules";
    return LATCHKEY_MODULE_FALLBACK_DIR;
}

[[noreturn]] void fail(const std::string& path, const std::string& why) {
    throw Error(ErrorKind::internal, "latchkey module " + path + ": " + why +
                                         "; reinstall latchkey (its modules must come from the "
                                         "same build as liblatchkey)");
}

const ModuleHeader& open(const std::string& name) {
    std::string path = directory() + "/" + name + ".so";
    // Never unloaded: what a module created (a curl handle, a Storage) may
    // outlive every caller's reference to it.
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        // dlerror() says "PATH: why"; the message names the path once.
        const char* e = dlerror();
        std::string why = e ? e : "cannot be loaded";
        if (why.rfind(path + ": ", 0) == 0) why.erase(0, path.size() + 2);
        fail(path, why);
    }
    std::string entry = "latchkey_module_" + name;
    for (auto& c : entry)
        if (c == '-') c = '_';
    using Entry = const ModuleHeader* (*)();
    auto fn = reinterpret_cast<Entry>(dlsym(handle, entry.c_str()));
    if (!fn) fail(path, "exports no " + entry);
    const ModuleHeader* h = fn();
    if (!h || h->abi != kAbi || std::string(h->version ? h->version : "") != LATCHKEY_VERSION)
        fail(path, "was built for another version of latchkey");
    return *h;
}

}  // namespace

const ModuleHeader& load(const std::string& name) {
    static std::mutex mu;
    static std::map<std::string, const ModuleHeader*> loaded;
    std::lock_guard lock(mu);
    auto& h = loaded[name];
    if (!h) h = &open(name);
    return *h;
}

}  // namespace latchkey::module
