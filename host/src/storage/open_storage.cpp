// The table of built-in storage backends. Storage plugins are looked up by
// the host when a name is not in this table.
//
// memory and file are part of liblatchkey. keyring (libsecret, GLib) and
// redis (hiredis) live in modules (storage/module.hpp) mapped only when a
// site or a command chooses them, so the common case loads neither.
#include "latchkey/error.hpp"
#include "storage/file_storage.hpp"
#include "storage/memory_storage.hpp"
#include "storage/module.hpp"
#include "storage/redis_storage.hpp"

namespace latchkey::storage {

namespace {

std::string file_dir_of(const OpenRequest& r) {
    return r.file_dir.empty() ? default_file_store_dir() : r.file_dir;
}

// A factory that maps `module` and opens `backend` through it.
std::function<std::unique_ptr<Storage>(const OpenRequest&)> from_module(std::string module,
                                                                        std::string backend) {
    return [module, backend](const OpenRequest& r) {
        OpenRequest req = r;
        req.file_dir = file_dir_of(r);
        // The module calls it from its own code: nothing may unwind from it
        // into the module's runtime (module/boundary.hpp).
        if (r.warn)
            req.warn = [warn = r.warn](const std::string& m) noexcept {
                try {
                    warn(m);
                } catch (...) {
                }
            };
        module::Fault fault;
        auto port = module::get<StorageModule>(module).open(backend, req, fault);
        module::raise_if_set(fault);
        return from_port(std::move(port));
    };
}

}  // namespace

const std::vector<Backend>& builtin_backends() {
    static const std::vector<Backend> backends = {
        {"memory", {}, [](const OpenRequest&) { return std::make_unique<MemoryStorage>(); }},
        {"file",
         {},
         [](const OpenRequest& r) {
             return std::make_unique<FileStorage>(file_dir_of(r), r.warn);
         }},
        {"keyring", {}, from_module("storage-keyring", "keyring")},
        {"system", {}, from_module("storage-keyring", "system")},
        {"redis", redis_option_schema(), from_module("storage-redis", "redis")},
    };
    return backends;
}

const Backend* find_builtin(const std::string& name) {
    for (auto& b : builtin_backends())
        if (b.name == name) return &b;
    return nullptr;
}

}  // namespace latchkey::storage
