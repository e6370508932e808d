// crypto::sign_pem in liblatchkey: maps the crypto module (OpenSSL) on the
// first signature and signs there. See util/crypto_module.hpp.
#include "crypto/crypto_module.hpp"
#include "crypto/signing.hpp"

namespace latchkey::crypto {

std::optional<std::string> sign_pem(std::string_view alg, const std::string& key_file,
                                    const char* passphrase, std::string_view data,
                                    std::string& error) {
    try {
        return module::get<CryptoModule>("crypto").sign_pem(alg, key_file, passphrase, data, error);
    } catch (const Error& e) {
        error = e.what();
        return std::nullopt;
    }
}

}  // namespace latchkey::util
