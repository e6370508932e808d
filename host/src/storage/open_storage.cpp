#include "latchkey/error.hpp"
#include "storage/file_storage.hpp"
#include "storage/memory_storage.hpp"

namespace latchkey::storage {

std::unique_ptr<Storage> open_storage(const std::string& backend, const std::string& path,
                                      Warn warn) {
    if (backend == "memory") return std::make_unique<MemoryStorage>();
    if (backend == "file" || backend.empty())
        return std::make_unique<FileStorage>(path.empty() ? default_file_store_dir() : path,
                                             std::move(warn));
    throw Error(ErrorKind::config, "unknown storage backend '" + backend + "'; use memory or file");
}

}  // namespace latchkey::storage
