// Hashing, encoding and randomness, all through OpenSSL.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace latchkey::util {

std::string sha256_hex(std::string_view data);
std::string base64_encode(std::string_view data, bool url_safe);
// Accepts the standard and the URL-safe alphabet, padded or not.
std::optional<std::string> base64_decode(std::string_view text);
bool random_bytes(unsigned char* out, size_t len);

}  // namespace latchkey::util
