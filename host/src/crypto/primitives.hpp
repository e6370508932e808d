// Hashing, encoding and randomness for liblatchkey's own needs (storage
// keys, lock tokens, the providers' base64 and random services): Nettle for
// the digest and base64, the kernel (getrandom) for random bytes. Not
// OpenSSL: these run on the token path, and loading and initialising
// libcrypto there would cost more than the rest of a cached-token lookup.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace latchkey::crypto {

std::string sha256_hex(std::string_view data);
std::string base64_encode(std::string_view data, bool url_safe);
// Accepts the standard and the URL-safe alphabet, padded or not.
std::optional<std::string> base64_decode(std::string_view text);
bool random_bytes(unsigned char* out, size_t len);

}  // namespace latchkey::util
