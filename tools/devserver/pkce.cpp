#include "pkce.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

#include "base64.hpp"

namespace devserver {
namespace {

bool all_of_set(const std::string& text, const char* extra) {
    return std::all_of(text.begin(), text.end(), [extra](unsigned char c) {
        return std::isalnum(c) ||
               std::string_view(extra).find(static_cast<char>(c)) != std::string_view::npos;
    });
}

}  // namespace

bool is_valid_code_challenge(const std::string& challenge) {
    return challenge.size() == 43 && all_of_set(challenge, "-_");
}

bool is_valid_code_verifier(const std::string& verifier) {
    return verifier.size() >= 43 && verifier.size() <= 128 && all_of_set(verifier, "-._~");
}

bool verifier_matches(const std::string& verifier, const std::string& challenge) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(verifier.data(), verifier.size(), digest, &len, EVP_sha256(), nullptr) != 1) {
        return false;
    }
    const std::string expected =
        encode_base64url(std::string_view(reinterpret_cast<const char*>(digest), len));
    return expected.size() == challenge.size() &&
           CRYPTO_memcmp(expected.data(), challenge.data(), expected.size()) == 0;
}

}  // namespace devserver
