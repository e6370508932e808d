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

}  // namespace latchkey::itest
