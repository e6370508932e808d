// Wiping secrets from memory when they are dropped, so a freed buffer that a
// core file, a swap page or a later allocation could show no longer holds
// one. explicit_bzero (glibc) is used rather than OPENSSL_cleanse: the
// library links no OpenSSL (only its signing module does), and a plain
// memset before free may be optimised away.
#pragma once

#include <string>

namespace latchkey::util {

// Overwrites the whole buffer of `s` (its capacity, which covers the bytes a
// shorter value or a move left behind) and empties it.
void wipe(std::string& s) noexcept;

}  // namespace latchkey::util
