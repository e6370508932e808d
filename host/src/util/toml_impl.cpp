// toml++'s compiled part, built into liblatchkey instead of linked from
// libtomlplusplus.so: one shared object fewer to map and relocate at every
// `latchkey` start. Every other file includes toml++ as a compiled library
// (TOML_HEADER_ONLY=0, see host/CMakeLists.txt), and this is that library,
// with the corrections of util/toml.hpp like every other user.
#define TOML_IMPLEMENTATION
#include "util/toml.hpp"
