// A stored credential document, as every storage backend (file, keyring,
// redis, plugins) hands it back. One that reads must also read again after
// being written back, or a credential would be lost at its next save.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "storage/record_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace latchkey;
    std::string error;
    auto record = storage::from_json(std::string(reinterpret_cast<const char*>(data), size), error);
    if (!record) return 0;
    const std::string again = storage::to_json(*record);
    if (!storage::from_json(again, error)) {
        std::fprintf(stderr, "a stored credential no longer reads once written back: %s\n",
                     error.c_str());
        std::abort();
    }
    return 0;
}
