// Internal modules: the parts of liblatchkey that need heavy libraries
// (libcurl for HTTP, libsecret for the keyring, hiredis for redis) are built
// as lib/latchkey/modules/NAME.so, beside liblatchkey, and mapped the first
// time they are needed. A process that only reads a cached token never
// loads them, nor the dozens of libraries they depend on.
//
// A module is part of the host, built from the same tree, and speaks the
// host's C++ types. Its one export, `latchkey_module_NAME` (dashes become
// underscores), returns a table that starts with a ModuleHeader; a module
// from another build is refused rather than called.
#pragma once

#include <cstdint>
#include <string>

#include "latchkey/error.hpp"

namespace latchkey::module {

// Bump when a module table changes shape.
inline constexpr uint32_t kAbi = 6;

struct ModuleHeader {
    uint32_t abi = kAbi;
    const char* version = LATCHKEY_VERSION;
};

// Maps NAME.so (once per process; it stays mapped) and returns the table its
// entry point hands out. Throws Error(internal) naming the file and the
// reason when the module is missing, refused, or from another build.
const ModuleHeader& load(const std::string& name);

template <class Table>
const Table& get(const std::string& name) {
    return static_cast<const Table&>(load(name));
}

}  // namespace latchkey::module

// Declares a module's entry point: LATCHKEY_MODULE(http) { static Table t; return t; }
#define LATCHKEY_MODULE(id)                           \
    extern "C" __attribute__((visibility("default"))) \
    const latchkey::module::ModuleHeader* latchkey_module_##id()
