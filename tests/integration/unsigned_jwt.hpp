// Building unsigned JWTs for tests that feed latchkey hostile claims: latchkey
// never checks a signature where it only reads claims (ID tokens, API keys).
#pragma once

#include <openssl/evp.h>

#include <string>

namespace latchkey::itest {

// RFC 4648 §5 base64url without padding, through OpenSSL's encoder.
inline std::string base64url(const std::string& raw) {
    std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(raw.data()),
                            static_cast<int>(raw.size()));
    out.resize(static_cast<size_t>(n));
    while (!out.empty() && out.back() == '=') out.pop_back();
    for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
    return out;
}

// Its inverse, for reading a JWT's segments; "" when `text` is not base64url.
inline std::string base64url_decode(std::string text) {
    for (char& c : text) c = c == '-' ? '+' : c == '_' ? '/' : c;
    const size_t padding = (4 - text.size() % 4) % 4;
    text.append(padding, '=');
    std::string out(text.size(), '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(text.data()),
                            static_cast<int>(text.size()));
    if (n < 0 || static_cast<size_t>(n) < padding) return "";
    out.resize(static_cast<size_t>(n) - padding);  // EVP_DecodeBlock counts the padding
    return out;
}

}  // namespace latchkey::itest
