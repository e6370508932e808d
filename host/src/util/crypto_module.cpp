// The crypto module's entry. util/signing.cpp is built into the module with
// it (hidden, like everything in a module but the entry); liblatchkey's
// util::sign_pem (util/crypto_sign.cpp) forwards here.
#include "util/crypto_module.hpp"

#include "util/signing.hpp"

LATCHKEY_MODULE(crypto) {
    static const latchkey::util::CryptoModule table{{}, latchkey::util::sign_pem};
    return &table;
}
