/* The plugin ABI's published layout, frozen at compile time for C, the
 * language the ABI is written in: see abi_layout.h. */
#include "abi_layout.h"
