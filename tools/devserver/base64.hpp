// Base64 (RFC 4648 §4) and base64url without padding (§5, as JWTs use it), through
// OpenSSL's EVP block coder; the url variant only swaps two characters and the padding.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace devserver {

// Padded standard base64; nullopt when malformed.
std::optional<std::string> decode_base64(std::string_view in);
// Unpadded base64url; nullopt when malformed.
std::optional<std::string> decode_base64url(std::string_view in);
std::string encode_base64url(std::string_view bytes);

}  // namespace devserver
