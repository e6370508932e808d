// The shared storage conformance suite (see storage_conformance.hpp), and its
// instantiation for the backends that need no server: memory and file.
#include "storage_conformance.hpp"

#include <atomic>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "storage/file_storage.hpp"
#include "storage/memory_storage.hpp"
#include "temp_dir.hpp"
#include "util/clock.hpp"
#include "crypto/primitives.hpp"

namespace latchkey::test {
namespace {

using detail::CredentialData;

// Keys unique per test run, so backends shared between tests never collide.
std::string unique_key(const std::string& site) {
    unsigned char r[6];
    crypto::random_bytes(r, sizeof r);
    return site + "." +
           crypto::sha256_hex(std::string(reinterpret_cast<char*>(r), sizeof r)).substr(0, 16);
}

CredentialData credential(const std::string& token, int64_t lifetime_ms = 3'600'000) {
    CredentialData c;
    c.token = token;
    c.token_type = "Bearer";
    c.refresh_token = "rt-" + token;
    c.obtained_at_ms = util::now_ms();
    c.expires_at_ms = c.obtained_at_ms + lifetime_ms;
    c.extras["instance_url"] = "https://example.invalid";
    return c;
}

TEST_P(StorageConformance, RoundTripKeepsEveryField) {
    auto s = GetParam().open();
    std::string key = unique_key("rt");
    EXPECT_FALSE(s->load(key).has_value());
    auto c = credential("tok-round-trip");
    s->save(key, c);
    auto back = GetParam().open()->load(key);  // seen through another handle
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->token, c.token);
    EXPECT_EQ(back->token_type, c.token_type);
    EXPECT_EQ(back->refresh_token, c.refresh_token);
    EXPECT_EQ(back->expires_at_ms, c.expires_at_ms);
    EXPECT_EQ(back->obtained_at_ms, c.obtained_at_ms);
    EXPECT_EQ(back->extras, c.extras);
    s->erase(key);
}

TEST_P(StorageConformance, OverwriteReplaces) {
    auto s = GetParam().open();
    std::string key = unique_key("ow");
    s->save(key, credential("tok-first"));
    s->save(key, credential("tok-second"));
    auto back = s->load(key);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->token, "tok-second");
    s->erase(key);
}

TEST_P(StorageConformance, EraseRemovesAndIsIdempotent) {
    auto s = GetParam().open();
    std::string key = unique_key("er");
    s->save(key, credential("tok-erase"));
    auto keys = s->keys();
    EXPECT_NE(std::find(keys.begin(), keys.end(), key), keys.end());
    s->erase(key);
    EXPECT_FALSE(s->load(key).has_value());
    EXPECT_NO_THROW(s->erase(key));
    keys = s->keys();
    EXPECT_EQ(std::find(keys.begin(), keys.end(), key), keys.end());
}

TEST_P(StorageConformance, ExpiryIsKept) {
    auto s = GetParam().open();
    std::string key = unique_key("ex");
    auto c = credential("tok-expiring", 1'500);
    s->save(key, c);
    auto back = s->load(key);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->expires_at_ms, c.expires_at_ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(1'700));
    auto later = s->load(key);
    if (GetParam().entries_expire)
        EXPECT_FALSE(later.has_value()) << "an expired entry should have vanished";
    else
        EXPECT_TRUE(!later || later->expired_at(util::now_ms()));
    s->erase(key);
}

TEST_P(StorageConformance, ConcurrentWritersLeaveOneWholeRecord) {
    std::string key = unique_key("cw");
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            auto s = GetParam().open();
            for (int i = 0; i < 20; ++i)
                s->save(key, credential("tok-" + std::to_string(t) + "-" + std::to_string(i)));
        });
    for (auto& t : threads) t.join();
    auto back = GetParam().open()->load(key);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->token.rfind("tok-", 0), 0u);
    EXPECT_EQ(back->refresh_token, "rt-" + back->token);  // never half of one and half of another
    GetParam().open()->erase(key);
}

TEST_P(StorageConformance, LockExcludesOtherHandles) {
    std::string key = unique_key("lk");
    std::atomic<int> inside{0};
    std::atomic<int> overlaps{0};
    int counter = 0;  // guarded by the backend's lock only
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            auto s = GetParam().open();
            for (int i = 0; i < 25; ++i) {
                auto lock = s->lock(key);
                if (inside.fetch_add(1) != 0) overlaps++;
                int seen = counter;
                std::this_thread::yield();
                counter = seen + 1;
                inside.fetch_sub(1);
            }
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(overlaps.load(), 0);
    EXPECT_EQ(counter, 100);
}

TEST_P(StorageConformance, TwoIdentitiesOfOneSiteStayApart) {
    auto s = GetParam().open();
    // Storage keys are SITE.HASH(identity): two identities of one site. A
    // backend may keep both, or only the newest (the keyring keeps one item
    // per site), but never serves one identity the other's token.
    std::string site = unique_key("site");
    std::string a = site + ".aaaaaaaaaaaaaaaa", b = site + ".bbbbbbbbbbbbbbbb";
    s->save(a, credential("tok-identity-a"));
    ASSERT_EQ(s->load(a)->token, "tok-identity-a");
    s->save(b, credential("tok-identity-b"));
    auto back_b = s->load(b);
    ASSERT_TRUE(back_b.has_value());
    EXPECT_EQ(back_b->token, "tok-identity-b");
    auto back_a = s->load(a);
    if (back_a) {
        EXPECT_EQ(back_a->token, "tok-identity-a");
    }
    s->erase(a);
    ASSERT_TRUE(s->load(b).has_value());
    EXPECT_EQ(s->load(b)->token, "tok-identity-b");
    s->erase(b);
}

TEST_P(StorageConformance, CheckDescribesTheBackend) {
    auto s = GetParam().open();
    std::string line = s->check();
    EXPECT_NE(line.find(s->name()), std::string::npos) << line;
    EXPECT_FALSE(s->location().empty());
}

// ---- memory and file ---------------------------------------------------------

// Handles onto one memory store: the store itself is shared, the handle is not.
class SharedMemory : public storage::Storage {
 public:
    explicit SharedMemory(std::shared_ptr<storage::MemoryStorage> m) : m_(std::move(m)) {}
    std::string name() const override { return m_->name(); }
    std::string location() const override { return m_->location(); }
    std::optional<CredentialData> load(const std::string& k) override { return m_->load(k); }
    void save(const std::string& k, const CredentialData& c) override { m_->save(k, c); }
    void erase(const std::string& k) override { m_->erase(k); }
    std::unique_ptr<storage::Lock> lock(const std::string& k) override { return m_->lock(k); }
    std::vector<std::string> keys() override { return m_->keys(); }
    std::string check() override { return m_->check(); }

 private:
    std::shared_ptr<storage::MemoryStorage> m_;
};

TempDir& file_dir() {
    static TempDir dir;
    return dir;
}

INSTANTIATE_TEST_SUITE_P(
    Builtin, StorageConformance,
    ::testing::Values(ConformanceBackend{"memory",
                                         [] {
                                             static auto shared =
                                                 std::make_shared<storage::MemoryStorage>();
                                             return std::make_unique<SharedMemory>(shared);
                                         }},
                      ConformanceBackend{"file",
                                         [] {
                                             return std::make_unique<storage::FileStorage>(
                                                 file_dir().file("store"), nullptr);
                                         }}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace latchkey::test
