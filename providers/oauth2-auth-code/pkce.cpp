#include "pkce.hpp"

#include <openssl/evp.h>

namespace latchkey::auth_code {

namespace {
constexpr size_t kVerifierBytes = 32;  // 43 characters, RFC 7636's minimum, 256 bits
constexpr size_t kStateBytes = 16;
}  // namespace

// SHA-256 comes from OpenSSL's libcrypto: the host's `sign` service signs but
// does not hash, and a hand-written digest is out of the question.
std::string s256_challenge(const sdk::Host& host, const std::string& verifier) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(verifier.data(), verifier.size(), digest, &len, EVP_sha256(), nullptr) != 1)
        throw sdk::internal_error("SHA-256 for the PKCE challenge failed");
    return host.base64(std::string_view(reinterpret_cast<const char*>(digest), len), true);
}

RequestSecrets new_request_secrets(const sdk::Host& host) {
    RequestSecrets s;
    s.code_verifier = host.base64(host.random_bytes(kVerifierBytes), true);
    s.code_challenge = s256_challenge(host, s.code_verifier);
    s.state = host.base64(host.random_bytes(kStateBytes), true);
    host.add_secret(s.code_verifier);
    return s;
}

}  // namespace latchkey::auth_code
