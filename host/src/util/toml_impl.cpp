// toml++'s compiled part, built into liblatchkey instead of linked from
// libtomlplusplus.so: one shared object fewer to map and relocate at every
// `latchkey` start. Every other file includes toml++ as a compiled library
// (TOML_HEADER_ONLY=0, see host/CMakeLists.txt), and this is that library.
#define TOML_IMPLEMENTATION
#include <toml++/toml.h>
