// The table the crypto module (modules/crypto.so, OpenSSL) hands to
// liblatchkey: the `sign` host service's signatures, and sealed storage.
// Only a provider that signs (a JWT client assertion, Anaplan's nonce) or a
// sealed store maps it; reading a cached token from a plain store never
// loads libcrypto.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "module/module.hpp"
#include "crypto/sealing.hpp"

namespace latchkey::crypto {

// crypto::sign_pem's work (util/signing.hpp), with OpenSSL, in the module
// (util/signing.cpp). Named apart from sign_pem, liblatchkey's forwarder
// (util/crypto_sign.cpp), which the module's link also has within reach.
std::optional<std::string> sign_pem_with_openssl(std::string_view alg, const std::string& key_file,
                                                 const char* passphrase, std::string_view data,
                                                 std::string& error);

// The SHA-256 of everything readable from `fd` (from its current offset), as
// lower-case hex, with OpenSSL's EVP digest (util/file_digest.cpp). For
// plugin pinning: the digest of the very file that is then loaded.
std::optional<std::string> sha256_fd_with_openssl(int fd, std::string& error);

struct CryptoModule : module::ModuleHeader {
    // sign_pem_with_openssl.
    std::optional<std::string> (*sign_pem)(std::string_view alg, const std::string& key_file,
                                           const char* passphrase, std::string_view data,
                                           std::string& error);
    // make_sealer_with_openssl (util/sealing.cpp): sealed storage.
    std::unique_ptr<Sealer> (*make_sealer)(std::vector<std::string>& key_texts, size_t& failed,
                                           std::string& error);
    // sha256_fd_with_openssl.
    std::optional<std::string> (*sha256_fd)(int fd, std::string& error);
};

}  // namespace latchkey::util
