// The table of built-in storage backends. Storage plugins are looked up by
// the host when a name is not in this table.
#include "latchkey/error.hpp"
#include "storage/file_storage.hpp"
#include "storage/keyring_storage.hpp"
#include "storage/memory_storage.hpp"
#include "storage/redis_storage.hpp"

namespace latchkey::storage {

const std::vector<Backend>& builtin_backends() {
    static const std::vector<Backend> backends = {
        {"memory", {}, [](const OpenRequest&) { return std::make_unique<MemoryStorage>(); }},
        {"file",
         {},
         [](const OpenRequest& r) {
             return std::make_unique<FileStorage>(
                 r.file_dir.empty() ? default_file_store_dir() : r.file_dir, r.warn);
         }},
        {"keyring",
         {},
         [](const OpenRequest& r) {
             return std::make_unique<KeyringStorage>(
                 r.file_dir.empty() ? default_file_store_dir() : r.file_dir, r.warn);
         }},
        {"system",
         {},
         [](const OpenRequest& r) {
             return open_system_storage(r.file_dir.empty() ? default_file_store_dir() : r.file_dir,
                                        r.warn);
         }},
        {"redis", redis_option_schema(), open_redis_storage},
    };
    return backends;
}

const Backend* find_builtin(const std::string& name) {
    for (auto& b : builtin_backends())
        if (b.name == name) return &b;
    return nullptr;
}

}  // namespace latchkey::storage
