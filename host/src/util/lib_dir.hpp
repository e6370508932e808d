// Where latchkey's own files live: providers in LIBDIR/latchkey/providers,
// modules in LIBDIR/latchkey/modules, in the build tree and once installed.
#pragma once

#include <optional>
#include <string>

namespace latchkey::util {

// LIBDIR of the running latchkey: the directory of liblatchkey.so when the
// library's code runs from it, LIBDIR relative to the program's directory
// when it is linked into a program (the CLI: PREFIX/bin/latchkey). Only a
// directory that holds `latchkey/` counts: nullopt when there is none (a
// program copied elsewhere), and callers fall back to the configured
// install paths.
std::optional<std::string> lib_dir();

}  // namespace latchkey::util
