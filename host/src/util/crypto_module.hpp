// The table the crypto module (modules/crypto.so, OpenSSL) hands to
// liblatchkey: the `sign` host service's signatures. Only a provider that
// signs (a JWT client assertion, Anaplan's nonce) maps it; reading a cached
// token never loads libcrypto.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "module/module.hpp"

namespace latchkey::util {

struct CryptoModule : module::ModuleHeader {
    // util::sign_pem (util/signing.hpp), as built into the module.
    std::optional<std::string> (*sign_pem)(std::string_view alg, const std::string& key_file,
                                           const char* passphrase, std::string_view data,
                                           std::string& error);
};

}  // namespace latchkey::util
