// The plugin ABI's published layout, frozen at compile time for C++: see
// abi_layout.h. A struct field inserted or moved fails this build.
#include "abi_layout.h"
