// The one mapping between the plugin ABI's latchkey_status and the host's
// ErrorKind, both ways. Every boundary (in-process providers, provider helper
// processes, storage plugins) uses it; each adds its own words and advice.
#pragma once

#include <latchkey/provider.h>

#include <cstdint>

#include "latchkey/error.hpp"

namespace latchkey::abi {

// A status read from outside (a helper's frame, a plugin's return): anything
// out of range counts as LATCHKEY_E_INTERNAL.
latchkey_status status_from(int64_t value);

// The kind of error a status stands for. LATCHKEY_OK has none: internal.
ErrorKind kind_of(latchkey_status status);

// The status that carries an Error of `kind` back across the ABI: a usage
// error as a configuration one; kinds a plugin cannot speak of (plugin,
// storage, ...) as internal.
latchkey_status status_of(ErrorKind kind);

}  // namespace latchkey::abi
