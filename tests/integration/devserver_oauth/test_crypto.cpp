#include "test_crypto.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <vector>

namespace latchkey::devtest {

std::string base64url(const std::string& bytes) {
    std::vector<unsigned char> out((bytes.size() + 2) / 3 * 4 + 1);
    const int n = EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()));
    std::string text(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(n));
    text.erase(text.find_last_not_of('=') + 1);
    std::replace(text.begin(), text.end(), '+', '-');
    std::replace(text.begin(), text.end(), '/', '_');
    return text;
}

std::string base64url_decode(const std::string& text) {
    std::string standard = text;
    std::replace(standard.begin(), standard.end(), '-', '+');
    std::replace(standard.begin(), standard.end(), '_', '/');
    const std::size_t pad = (4 - standard.size() % 4) % 4;
    standard.append(pad, '=');
    std::vector<unsigned char> out(standard.size() / 4 * 3 + 1);
    const int n =
        EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(standard.data()),
                        static_cast<int>(standard.size()));
    if (n < 0) {
        return "";
    }
    return std::string(reinterpret_cast<const char*>(out.data()),
                       static_cast<std::size_t>(n) - pad);
}

std::string s256_challenge(const std::string& verifier) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(verifier.data(), verifier.size(), digest, &len, EVP_sha256(), nullptr);
    return base64url(std::string(reinterpret_cast<const char*>(digest), len));
}

}  // namespace latchkey::devtest
