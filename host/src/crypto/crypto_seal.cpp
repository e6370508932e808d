// crypto::make_sealer in liblatchkey: maps the crypto module (OpenSSL) when a
// store is sealed and builds the Sealer there. See util/sealing.hpp.
#include "crypto/crypto_module.hpp"
#include "crypto/sealing.hpp"

namespace latchkey::crypto {

std::unique_ptr<Sealer> make_sealer(std::vector<std::string>& key_texts, size_t& failed,
                                    std::string& error) {
    return module::get<CryptoModule>("crypto").make_sealer(key_texts, failed, error);
}

}  // namespace latchkey::util
