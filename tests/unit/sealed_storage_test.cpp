// Encryption at rest (storage/sealed_storage.hpp, util/sealing.hpp): the
// sealing decorator over a real backend (memory, looked at behind the
// decorator's back), with the real crypto module (OpenSSL). Round trip,
// tampering, a value copied to another storage key, a wrong or missing key,
// a plain value under a key, rotation, and keys that are not keys.
#include "storage/sealed_storage.hpp"

#include <gtest/gtest.h>

#include <string>

#include "storage/memory_storage.hpp"
#include "unit_support.hpp"
#include "crypto/primitives.hpp"

namespace {

using latchkey::ErrorKind;
using latchkey::detail::CredentialData;
using latchkey::policy::ResolvedValue;
using latchkey::storage::MemoryStorage;
using latchkey::storage::SealedStorage;
using latchkey::storage::SealingKeys;
using lkt::catch_error;

const std::string kToken = "at-Sealed-5b1e77";
const std::string kRefresh = "rt-Sealed-90c4aa";
const std::string kKey = "planet.0123456789abcdef";
const std::string kOtherKey = "other.fedcba9876543210";

// 32 random bytes, base64 as `openssl rand -base64 32` prints them.
std::string new_key() {
    unsigned char raw[32];
    EXPECT_TRUE(latchkey::crypto::random_bytes(raw, sizeof raw));
    return latchkey::crypto::base64_encode(std::string(reinterpret_cast<char*>(raw), sizeof raw),
                                         false);
}

SealingKeys keys(const std::string& key, const std::vector<std::string>& previous = {}) {
    SealingKeys k;
    k.setting = "[storage]";
    if (key.empty()) return k;
    k.key.set = true;
    k.key.secret = true;
    k.key.text = key;
    k.key.source = "policy.toml:3:18 via secret /run/secrets/storage-key";
    if (!previous.empty()) {
        k.previous.set = true;
        k.previous.is_list = true;
        k.previous.list = previous;
        k.previous.source = "policy.toml:4:28";
    }
    return k;
}

CredentialData credential() {
    CredentialData c;
    c.token = kToken;
    c.token_type = "Bearer";
    c.header_name = "Authorization";
    c.refresh_token = kRefresh;
    c.obtained_at_ms = 1'700'000'000'000;
    c.expires_at_ms = 1'700'003'600'000;
    c.extras["scope"] = "read";
    return c;
}

// A sealed store over a memory backend the test can still read directly.
struct Store {
    explicit Store(SealingKeys k) {
        auto inner = std::make_unique<MemoryStorage>();
        raw = inner.get();
        sealed = std::make_unique<SealedStorage>(std::move(inner), std::move(k));
    }
    // The same backend, opened with other keys (another process's policy).
    std::unique_ptr<SealedStorage> reopen(SealingKeys k) {
        struct Borrowed : latchkey::storage::Storage {
            MemoryStorage* m;
            explicit Borrowed(MemoryStorage* m) : m(m) {}
            std::string name() const override { return "memory"; }
            std::string location() const override { return m->location(); }
            std::string check() override { return m->check(); }
            std::optional<CredentialData> load(const std::string& k) override { return m->load(k); }
            void save(const std::string& k, const CredentialData& c) override { m->save(k, c); }
            void erase(const std::string& k) override { m->erase(k); }
            std::unique_ptr<latchkey::storage::Lock> lock(const std::string& k) override {
                return m->lock(k);
            }
            std::vector<std::string> keys() override { return m->keys(); }
        };
        return std::make_unique<SealedStorage>(std::make_unique<Borrowed>(raw), std::move(k));
    }
    MemoryStorage* raw;
    std::unique_ptr<SealedStorage> sealed;
};

std::string msg(const latchkey::Error& e) { return e.what(); }

TEST(SealedStorage, RoundTripKeepsEveryFieldAndStoresNoPlaintext) {
    Store s(keys(new_key()));
    ASSERT_TRUE(s.sealed->sealing());
    s.sealed->save(kKey, credential());

    auto inner = s.raw->load(kKey);
    ASSERT_TRUE(inner);
    EXPECT_EQ(inner->token.rfind("latchkey-sealed:1:" + s.sealed->key_id() + ":", 0), 0u)
        << inner->token;
    EXPECT_EQ(inner->token_type, "latchkey-sealed");
    EXPECT_EQ(inner->token.find(kToken), std::string::npos);
    EXPECT_EQ(inner->token.find(kRefresh), std::string::npos);
    EXPECT_TRUE(inner->refresh_token.empty());
    EXPECT_TRUE(inner->extras.empty());
    // The times stay readable for the backend (redis's TTL) and `storage list`.
    EXPECT_EQ(inner->expires_at_ms, credential().expires_at_ms);

    auto back = s.sealed->load(kKey);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->token, kToken);
    EXPECT_EQ(back->token_type, "Bearer");
    EXPECT_EQ(back->refresh_token, kRefresh);
    EXPECT_EQ(back->expires_at_ms, credential().expires_at_ms);
    EXPECT_EQ(back->obtained_at_ms, credential().obtained_at_ms);
    EXPECT_EQ(back->extras.at("scope"), "read");
}

TEST(SealedStorage, EverySaveUsesAFreshNonce) {
    Store s(keys(new_key()));
    s.sealed->save(kKey, credential());
    std::string first = s.raw->load(kKey)->token;
    s.sealed->save(kKey, credential());
    EXPECT_NE(s.raw->load(kKey)->token, first);
}

TEST(SealedStorage, HexKeysAndATrailingLineBreakAreAccepted) {
    std::string hex(64, '0');
    for (size_t i = 0; i < hex.size(); ++i) hex[i] = "0123456789abcdef"[(i * 7) % 16];
    Store s(keys(hex + "\n"));
    s.sealed->save(kKey, credential());
    EXPECT_EQ(s.sealed->load(kKey)->token, kToken);
}

TEST(SealedStorage, AlteredValueIsAClearErrorAndStaysUntouched) {
    Store s(keys(new_key()));
    s.sealed->save(kKey, credential());
    auto tampered = *s.raw->load(kKey);
    char& c = tampered.token[tampered.token.size() - 10];
    c = c == 'A' ? 'B' : 'A';
    s.raw->save(kKey, tampered);

    auto e = catch_error([&] { s.sealed->load(kKey); });
    EXPECT_EQ(e.kind(), ErrorKind::storage);
    EXPECT_NE(msg(e).find("site 'planet': the credential in memory"), std::string::npos) << msg(e);
    EXPECT_NE(msg(e).find("does not authenticate"), std::string::npos) << msg(e);
    EXPECT_NE(msg(e).find("`latchkey logout --at planet`"), std::string::npos) << msg(e);
    EXPECT_EQ(s.raw->load(kKey)->token, tampered.token);
}

TEST(SealedStorage, ValueCopiedToAnotherStorageKeyDoesNotOpen) {
    Store s(keys(new_key()));
    s.sealed->save(kKey, credential());
    s.raw->save(kOtherKey, *s.raw->load(kKey));

    auto e = catch_error([&] { s.sealed->load(kOtherKey); });
    EXPECT_EQ(e.kind(), ErrorKind::storage);
    EXPECT_NE(msg(e).find("site 'other'"), std::string::npos) << msg(e);
    EXPECT_NE(msg(e).find("copied from another identity or site"), std::string::npos) << msg(e);
    EXPECT_EQ(s.sealed->load(kKey)->token, kToken);  // the original still opens
}

TEST(SealedStorage, WrongKeyNamesBothKeyIdsAndNeverAKey) {
    std::string right = new_key(), wrong = new_key();
    Store s(keys(right));
    s.sealed->save(kKey, credential());
    std::string stored = s.raw->load(kKey)->token;
    auto other = s.reopen(keys(wrong));

    auto e = catch_error([&] { other->load(kKey); });
    EXPECT_EQ(e.kind(), ErrorKind::storage);
    EXPECT_NE(msg(e).find("is sealed under key id " + s.sealed->key_id() +
                          ", but [storage] encryption_key (policy.toml:3:18 via secret "
                          "/run/secrets/storage-key) has id " +
                          other->key_id() + ": the key changed"),
              std::string::npos)
        << msg(e);
    EXPECT_NE(msg(e).find("`latchkey logout --at planet`"), std::string::npos) << msg(e);
    EXPECT_EQ(msg(e).find(right), std::string::npos);
    EXPECT_EQ(msg(e).find(wrong), std::string::npos);
    EXPECT_EQ(s.raw->load(kKey)->token, stored);
}

TEST(SealedStorage, SealedValueWithoutAKeyIsRefusedNotServed) {
    Store s(keys(new_key()));
    s.sealed->save(kKey, credential());
    auto unkeyed = s.reopen(keys(""));
    EXPECT_FALSE(unkeyed->sealing());

    auto e = catch_error([&] { unkeyed->load(kKey); });
    EXPECT_EQ(e.kind(), ErrorKind::storage);
    EXPECT_NE(msg(e).find("is sealed (key id " + s.sealed->key_id() +
                          "), but no encryption_key is set for this backend"),
              std::string::npos)
        << msg(e);
}

TEST(SealedStorage, PlainValueUnderAKeyIsRefusedUntilSealed) {
    Store s(keys(new_key()));
    s.raw->save(kKey, credential());

    auto e = catch_error([&] { s.sealed->load(kKey); });
    EXPECT_EQ(e.kind(), ErrorKind::storage);
    EXPECT_NE(msg(e).find("is not sealed"), std::string::npos) << msg(e);
    EXPECT_NE(msg(e).find("`latchkey storage seal`"), std::string::npos) << msg(e);
    EXPECT_EQ(s.raw->load(kKey)->token, kToken);  // left as it was

    EXPECT_EQ(s.sealed->reseal(kKey), SealedStorage::Resealed::sealed_plain);
    EXPECT_EQ(s.raw->load(kKey)->token.find(kToken), std::string::npos);
    EXPECT_EQ(s.sealed->load(kKey)->token, kToken);
    EXPECT_EQ(s.sealed->reseal(kKey), SealedStorage::Resealed::already);
}

TEST(SealedStorage, RotationOpensWithThePreviousKeyAndSealsWithTheNewOne) {
    std::string old_key = new_key(), new_key_text = new_key();
    Store s(keys(old_key));
    s.sealed->save(kKey, credential());
    std::string old_id = s.sealed->key_id();

    auto rotated = s.reopen(keys(new_key_text, {old_key}));
    EXPECT_NE(rotated->key_id(), old_id);
    EXPECT_EQ(rotated->load(kKey)->token, kToken);
    EXPECT_EQ(rotated->reseal(kKey), SealedStorage::Resealed::rotated);
    EXPECT_EQ(s.raw->load(kKey)->token.rfind("latchkey-sealed:1:" + rotated->key_id() + ":", 0),
              0u);

    // Once re-sealed, the old key is no longer needed...
    auto new_only = s.reopen(keys(new_key_text));
    EXPECT_EQ(new_only->load(kKey)->token, kToken);
    // ...and no longer opens anything.
    auto old_only = s.reopen(keys(old_key));
    auto e = catch_error([&] { old_only->load(kKey); });
    EXPECT_NE(msg(e).find("the key changed"), std::string::npos) << msg(e);
}

TEST(SealedStorage, NewerEnvelopeFormatIsNamed) {
    Store s(keys(new_key()));
    s.sealed->save(kKey, credential());
    auto v = *s.raw->load(kKey);
    v.token.replace(0, std::string("latchkey-sealed:1:").size(), "latchkey-sealed:2:");
    s.raw->save(kKey, v);
    auto e = catch_error([&] { s.sealed->load(kKey); });
    EXPECT_NE(msg(e).find("sealed by a newer latchkey"), std::string::npos) << msg(e);
}

TEST(SealedStorage, AKeyThatIsNotAKeyIsAConfigErrorNamingTheSetting) {
    const std::string not_a_key = "hunter2-NotAKey-77";
    auto e =
        catch_error([&] { SealedStorage(std::make_unique<MemoryStorage>(), keys(not_a_key)); });
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_NE(msg(e).find("[storage] encryption_key (policy.toml:3:18 via secret "
                          "/run/secrets/storage-key) is not a 256-bit key"),
              std::string::npos)
        << msg(e);
    EXPECT_EQ(msg(e).find(not_a_key), std::string::npos);

    // 31 bytes is not 32; a previous key is checked as well.
    std::string short_key = latchkey::crypto::base64_encode(std::string(31, 'x'), false);
    auto p = catch_error([&] {
        SealedStorage(std::make_unique<MemoryStorage>(), keys(new_key(), {new_key(), short_key}));
    });
    EXPECT_NE(msg(p).find("[storage] previous_encryption_keys item 2 (policy.toml:4:28) is not "
                          "a 256-bit key"),
              std::string::npos)
        << msg(p);
}

}  // namespace
