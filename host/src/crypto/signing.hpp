// Digital signatures with a PEM private key, for the `sign` host service
// (JWT client assertions, Anaplan's signed nonce). JOSE algorithm names.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace latchkey::crypto {

// Signs `data` with the key in `key_file` (`passphrase` may be null for an
// unencrypted key). `alg`: RS256 RS384 RS512 PS256 PS384 ES256 ES384. ECDSA
// signatures come out as JOSE r||s. On failure returns nullopt and sets
// `error` to a message naming the file and the reason (never the passphrase).
std::optional<std::string> sign_pem(std::string_view alg, const std::string& key_file,
                                    const char* passphrase, std::string_view data,
                                    std::string& error);

}  // namespace latchkey::util
