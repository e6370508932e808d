// Sealing stored credentials: AES-256-GCM under a key the operator gives,
// bound to the storage key, in a versioned envelope that names the key:
//
//   latchkey-sealed:1:KEYID:BASE64(nonce[12] || ciphertext || tag[16])
//
// KEYID is 8 hex digits of SHA-256 over the key (domain-separated), so a
// reader picks the right key during a rotation and says which key a value
// wants without ever showing a key. The additional authenticated data is
// the envelope's header followed by the storage key: a value copied to
// another identity or site, or an altered header, does not open.
//
// The work is OpenSSL's and runs in the crypto module (util/crypto_module.hpp),
// mapped only when a store is sealed; the keys live in the module's memory
// and are wiped (OPENSSL_cleanse) when the Sealer goes.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace latchkey::crypto {

inline constexpr std::string_view kSealedPrefix = "latchkey-sealed:";

struct Opened {
    enum Status {
        ok,
        unknown_key,    // sealed under a key none of ours has the id of
        not_authentic,  // our key, but the tag does not verify: altered, or moved
        malformed,      // not an envelope this version can parse
        newer_format,   // an envelope version this one does not know
    } status = malformed;
    std::string key_id;     // the envelope's, when it could be read
    std::string plaintext;  // status ok only
};

// Created in the crypto module; its calls never throw.
class Sealer {
 public:
    virtual ~Sealer() = default;
    // The keys' ids, the sealing key's first.
    virtual std::vector<std::string> key_ids() const noexcept = 0;
    // The envelope of `plaintext` for storage key `context`; "" with
    // `error` set if OpenSSL fails.
    virtual std::string seal(std::string_view context, std::string_view plaintext,
                             std::string& error) const noexcept = 0;
    virtual Opened open(std::string_view context, std::string_view envelope) const noexcept = 0;
};

// Decodes every key text (32 bytes as base64, or as 64 hex digits), the
// sealing key first, and wipes the texts. When one is not a key: null,
// `failed` its index and `error` why (never showing the text).
std::unique_ptr<Sealer> make_sealer(std::vector<std::string>& key_texts, size_t& failed,
                                    std::string& error);

// The module's implementation of make_sealer (util/sealing.cpp).
std::unique_ptr<Sealer> make_sealer_with_openssl(std::vector<std::string>& key_texts,
                                                 size_t& failed, std::string& error);

}  // namespace latchkey::util
