#include "storage/sealed_storage.hpp"

#include "latchkey/error.hpp"
#include "storage/key_space.hpp"
#include "storage/record_json.hpp"
#include "util/strings.hpp"

namespace latchkey::storage {

namespace {

constexpr const char* kSealedType = "latchkey-sealed";

bool is_sealed(const detail::CredentialData& c) {
    return c.token_type == kSealedType &&
           std::string_view(c.token).substr(0, crypto::kSealedPrefix.size()) ==
               crypto::kSealedPrefix;
}

// The key id written in an envelope's header, for messages before opening.
std::string envelope_key_id(const std::string& envelope) {
    auto rest = envelope.substr(crypto::kSealedPrefix.size());
    auto first = rest.find(':');
    if (first == std::string::npos) return "?";
    return rest.substr(first + 1, 8);
}

}  // namespace

const std::vector<policy::OptionSpec>& sealing_option_schema() {
    static const std::vector<policy::OptionSpec> specs = {
        {"encryption_key", LATCHKEY_OPT_STRING, false, true, false, std::nullopt,
         "seal stored credentials with AES-256-GCM under this key: 32 random bytes as base64 "
         "or hex, usually { secret = \"NAME\" }"},
        {"previous_encryption_keys", LATCHKEY_OPT_LIST, false, true, false, std::nullopt,
         "keys that still open values sealed before a rotation (never used to seal)"},
    };
    return specs;
}

SealingKeys take_sealing_keys(Options& options, const std::string& setting) {
    SealingKeys out;
    out.setting = setting;
    if (auto it = options.find("encryption_key"); it != options.end()) {
        out.key = std::move(it->second);
        options.erase(it);
    }
    if (auto it = options.find("previous_encryption_keys"); it != options.end()) {
        out.previous = std::move(it->second);
        options.erase(it);
    }
    return out;
}

SealedStorage::SealedStorage(std::unique_ptr<Storage> inner, SealingKeys keys)
    : inner_(std::move(inner)) {
    if (!keys.key.set) return;
    setting_ = keys.setting + " encryption_key (" + keys.key.source + ")";
    std::vector<std::string> texts{std::move(keys.key.text)};
    for (auto& p : keys.previous.list) texts.push_back(std::move(p));
    size_t failed = 0;
    std::string error;
    sealer_ = crypto::make_sealer(texts, failed, error);
    if (!sealer_)
        throw policy::config_error(
            (failed == 0 ? setting_
                         : keys.setting + " previous_encryption_keys item " +
                               std::to_string(failed) + " (" + keys.previous.source + ")") +
                " " + error,
            failed == 0 ? keys.key.pos : keys.previous.pos);
    key_ids_ = sealer_->key_ids();
}

std::string SealedStorage::key_id() const { return key_ids_.empty() ? "" : key_ids_[0]; }

std::string SealedStorage::check() {
    std::string line = inner_->check();
    if (sealer_) line += "; values sealed with AES-256-GCM under key id " + key_id();
    return line;
}

void SealedStorage::fail(const std::string& key, const std::string& what,
                         const std::string& next) const {
    throw Error(ErrorKind::storage, "site '" + site_of_key(key) + "': the credential in " +
                                        inner_->name() + " (" + inner_->location() + ") " + what +
                                        "; " + next);
}

detail::CredentialData SealedStorage::open(const std::string& key,
                                           const detail::CredentialData& stored) {
    std::string logout = "`latchkey logout --at " + site_of_key(key) + "`";
    if (!sealer_)
        fail(key,
             "is sealed (key id " + envelope_key_id(stored.token) +
                 "), but no encryption_key is set for this backend",
             "set [storage] encryption_key to the key it was sealed with, or run " + logout +
                 " to drop it and fetch a new one");
    crypto::Opened o = sealer_->open(key, stored.token);
    switch (o.status) {
        case crypto::Opened::ok:
            break;
        case crypto::Opened::unknown_key: {
            std::vector<std::string> previous(key_ids_.begin() + 1, key_ids_.end());
            fail(key,
                 "is sealed under key id " + o.key_id + ", but " + setting_ + " has id " +
                     key_ids_[0] +
                     (previous.empty()
                          ? ""
                          : " and previous_encryption_keys have " + util::join(previous, ", ")) +
                     ": the key changed",
                 "restore that key (or list it in previous_encryption_keys), or run " + logout +
                     " to drop the stored credential and fetch a new one");
        }
        case crypto::Opened::not_authentic:
            fail(key,
                 "does not authenticate under key id " + o.key_id +
                     ": it was altered, or copied from another identity or site",
                 "run " + logout + " to drop it and fetch a new one");
        case crypto::Opened::newer_format:
            fail(key, "was sealed by a newer latchkey (an envelope format this one does not read)",
                 "upgrade latchkey, or run " + logout);
        case crypto::Opened::malformed:
            fail(key, "is a damaged sealed value", "run " + logout + " to drop it");
    }
    std::string error;
    auto c = from_json(o.plaintext, error);
    std::fill(o.plaintext.begin(), o.plaintext.end(), '\0');
    if (!c) fail(key, "opened, but holds no credential (" + error + ")", "run " + logout);
    return std::move(*c);
}

std::optional<detail::CredentialData> SealedStorage::load(const std::string& key) {
    auto stored = inner_->load(key);
    if (!stored) return stored;
    if (is_sealed(*stored)) return open(key, *stored);
    if (sealer_)
        fail(key,
             "is not sealed, but " + setting_ +
                 " is set: latchkey does not trust a value it did not seal",
             "seal what the store holds with `latchkey storage seal`, or run `latchkey logout "
             "--at " +
                 site_of_key(key) + "`");
    return stored;
}

void SealedStorage::save(const std::string& key, const detail::CredentialData& c) {
    if (!sealer_) return inner_->save(key, c);
    std::string plain = to_json(c), error;
    detail::CredentialData outer;
    outer.token = sealer_->seal(key, plain, error);
    std::fill(plain.begin(), plain.end(), '\0');
    if (outer.token.empty())
        throw Error(ErrorKind::storage,
                    "site '" + site_of_key(key) + "': cannot seal the credential: " + error);
    outer.token_type = kSealedType;
    outer.expires_at_ms = c.expires_at_ms;
    outer.obtained_at_ms = c.obtained_at_ms;
    inner_->save(key, outer);
}

SealedStorage::Resealed SealedStorage::reseal(const std::string& key) {
    if (!sealer_)
        throw Error(ErrorKind::config, "site '" + site_of_key(key) + "': " + inner_->name() +
                                           " has no encryption_key to seal with");
    auto stored = inner_->load(key);
    if (!stored) return Resealed::absent;
    if (!is_sealed(*stored)) {
        save(key, *stored);
        return Resealed::sealed_plain;
    }
    auto opened = open(key, *stored);
    if (envelope_key_id(stored->token) == key_id()) return Resealed::already;
    save(key, opened);
    return Resealed::rotated;
}

}  // namespace latchkey::storage
