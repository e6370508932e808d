// Where latchkey's own files live: providers in LIBDIR/latchkey/providers,
// modules in LIBDIR/latchkey/modules, in the build tree and once installed.
#pragma once

#include <optional>
#include <string>

namespace latchkey::util {

// LIBDIR of the running latchkey: the directory of liblatchkey.so when the
// library's code runs from it, PROGRAM_DIR/../LIBDIR when it is linked into
// a program (the CLI: PREFIX/bin/latchkey). nullopt when the running code
// cannot be located.
std::optional<std::string> lib_dir();

}  // namespace latchkey::util
