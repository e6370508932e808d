// The crypto module's entry. util/signing.cpp and util/sealing.cpp are built
// into the module with it (hidden, like everything in a module but the
// entry); liblatchkey's crypto::sign_pem (util/crypto_sign.cpp) and
// crypto::make_sealer (util/crypto_seal.cpp) forward here.
#include "crypto/crypto_module.hpp"

#include "module/boundary.hpp"
#include "crypto/signing.hpp"

// A failure under OpenSSL's calls is reported in `error` (module/boundary.hpp).
LATCHKEY_MODULE(crypto) {
    static const latchkey::crypto::CryptoModule table{
        {},
        [](std::string_view alg, const std::string& key_file, const char* passphrase,
           std::string_view data, std::string& error) noexcept {
            return latchkey::module::contain(error, [&] {
                return latchkey::crypto::sign_pem_with_openssl(alg, key_file, passphrase, data,
                                                             error);
            });
        },
        [](std::vector<std::string>& key_texts, size_t& failed, std::string& error) noexcept {
            return latchkey::module::contain(error, [&] {
                return latchkey::crypto::make_sealer_with_openssl(key_texts, failed, error);
            });
        },
        [](int fd, std::string& error) noexcept {
            return latchkey::module::contain(
                error, [&] { return latchkey::crypto::sha256_fd_with_openssl(fd, error); });
        }};
    return &table;
}
