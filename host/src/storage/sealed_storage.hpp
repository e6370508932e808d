// Encryption at rest, as a decorator over any backend: with a key
// (`[storage] encryption_key`, or `[storage.NAME] encryption_key` for one
// backend), each credential is saved as an AES-256-GCM envelope bound to its
// storage key (util/sealing.hpp), and opened again on load.
//
// What the backend keeps for a sealed credential: the envelope as the
// token, the type "latchkey-sealed", and the expiry and fetch times in the
// clear (redis expires the entry with its credential, `storage list` shows
// them); everything else (token, refresh token, type, extras) is inside.
// The times in the clear are never trusted: the opened copy's are used.
//
// Without a key, values pass through unchanged, but a sealed one is
// refused: it is never handed out as if its envelope were a token.
// With a key, a value latchkey did not seal is refused too: a store others
// can write to must not be able to plant a credential. `latchkey storage
// seal` seals what a store already holds (and re-seals under the current
// key during a rotation).
//
// A value that cannot be opened is an Error(storage) naming the site, the
// backend and the next step; it is left untouched, never overwritten.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "storage/storage.hpp"
#include "crypto/sealing.hpp"

namespace latchkey::storage {

// encryption_key and previous_encryption_keys, the options that seal a
// backend; read from [storage] and from each [storage.NAME].
const std::vector<policy::OptionSpec>& sealing_option_schema();

// The resolved sealing options of a backend. `key` unset: no sealing.
struct SealingKeys {
    policy::ResolvedValue key;
    policy::ResolvedValue previous;  // a list
    std::string setting;             // "[storage]" or "[storage.redis]": where they were set
};

// Moves the sealing options out of `options` (a [storage.NAME] table
// resolved with sealing_option_schema() added), leaving the backend's own.
SealingKeys take_sealing_keys(Options& options, const std::string& setting);

class SealedStorage : public Storage {
 public:
    // `keys.key` unset: nothing is sealed, sealed values are refused.
    // Throws Error(config) naming the setting when a key is not a key.
    SealedStorage(std::unique_ptr<Storage> inner, SealingKeys keys);

    // Whether values are sealed (a key is configured).
    bool sealing() const { return sealer_ != nullptr; }
    // The sealing key's id, or "".
    std::string key_id() const;

    std::string name() const override { return inner_->name(); }
    std::string location() const override { return inner_->location(); }
    std::string check() override;
    std::optional<detail::CredentialData> load(const std::string& key) override;
    void save(const std::string& key, const detail::CredentialData& c) override;
    void erase(const std::string& key) override { inner_->erase(key); }
    std::unique_ptr<Lock> lock(const std::string& key) override { return inner_->lock(key); }
    std::vector<std::string> keys() override { return inner_->keys(); }

    // `latchkey storage seal`: seals the value under `key` with the current
    // key if it is plain or sealed under a previous one. The caller holds
    // the lock. Throws like load() when the value cannot be opened.
    enum class Resealed { absent, already, sealed_plain, rotated };
    Resealed reseal(const std::string& key);

 private:
    detail::CredentialData open(const std::string& key, const detail::CredentialData& stored);
    [[noreturn]] void fail(const std::string& key, const std::string& what,
                           const std::string& next) const;

    std::unique_ptr<Storage> inner_;
    std::unique_ptr<crypto::Sealer> sealer_;
    std::vector<std::string> key_ids_;
    std::string setting_;  // "[storage] encryption_key (policy.toml:4:18 via secret ...)"
};

}  // namespace latchkey::storage
