// Credentials in Redis, shared by every process on every machine that points
// at the same server: one identity for a whole fleet.
//
//   KEY_PREFIX + storage key          the credential, as record_json's document,
//                                     with a Redis TTL ending at its expiry
//   KEY_PREFIX + storage key + ":lock"  the fleet-wide single-flight lock
//
// The lock is `SET lock TOKEN NX PX lock_ttl` with a random token, released
// only by its owner (a Lua compare-and-delete), so a holder that crashed is
// survived once its lock expires. Waiters retry every 5 ms and, sooner, the
// moment the holder releases: the release is published on a channel named
// after the lock, to which each waiter subscribes with a second connection.
// Once a waiter holds the lock it reads the value the previous holder saved
// (the host's flow: lock, load, fetch only if still needed, save, unlock);
// the lock script reads it as it takes the lock, so that load() costs no
// further round trip. There is no shortcut that hands a waiter the value
// without the lock: lock() always means the lock is held, as every backend
// promises. Every waiter thus still holds the lock in turn, briefly.
//
// The lock and its value are two keys, which Redis Cluster would put in
// different slots: one server (or a primary with replicas) only.
//
// hiredis 0.14 (Debian 12) has no TLS, so only redis:// URLs are accepted.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>

#include "storage/storage.hpp"

struct redisContext;
struct redisReply;

namespace latchkey::storage {

struct RedisConfig {
    std::string host;  // as connect() wants it: no brackets around IPv6
    int port = 6379;
    int db = 0;
    std::string username;  // ACL user; empty = the default user
    std::string password;  // empty = no AUTH
    std::string key_prefix = "latchkey:";
    int64_t lock_ttl_ms = 30'000;
    int64_t timeout_ms = 2'000;
    std::string on_unavailable = "fail";  // "fail" | "memory"

    // redis://HOST:PORT/DB, never with the password: for messages.
    std::string shown_url() const;
};

// Builds the configuration from resolved [storage.redis] options; throws
// Error(config) naming where the bad value came from.
RedisConfig redis_config_from(const Options& options);

// The [storage.redis] option schema.
const std::vector<policy::OptionSpec>& redis_option_schema();

// The backend's factory: a RedisStorage, or, when the server cannot be
// reached and on_unavailable = "memory", a MemoryStorage after a warning.
std::unique_ptr<Storage> open_redis_storage(const OpenRequest& request);

class RedisStorage : public Storage {
 public:
    // Connects (AUTH, SELECT) right away; throws Error(storage) when the
    // server cannot be used.
    RedisStorage(RedisConfig config, Warn warn);
    ~RedisStorage() override;
    RedisStorage(const RedisStorage&) = delete;
    RedisStorage& operator=(const RedisStorage&) = delete;

    std::string name() const override { return "redis"; }
    std::string location() const override { return config_.shown_url(); }
    std::string check() override;
    std::optional<detail::CredentialData> load(const std::string& key) override;
    void save(const std::string& key, const detail::CredentialData& c) override;
    void erase(const std::string& key) override;
    std::unique_ptr<Lock> lock(const std::string& key) override;
    std::vector<std::string> keys() override;

    const RedisConfig& config() const { return config_; }

 private:
    friend class RedisLock;
    struct ReplyDeleter {
        void operator()(redisReply* r) const;
    };
    using Reply = std::unique_ptr<redisReply, ReplyDeleter>;
    struct ContextDeleter {
        void operator()(redisContext* c) const;
    };
    using Context = std::unique_ptr<redisContext, ContextDeleter>;

    // Runs one command; reconnects once when the connection had dropped.
    // Error replies and transport failures throw Error(storage).
    Reply command(const std::vector<std::string>& args);
    // A new connection, authenticated, on the configured database; throws
    // Error(storage) (Unreachable when the server cannot be reached).
    Context open_context() const;
    void connect_locked();
    void disconnect_locked();
    [[noreturn]] void fail(const std::string& what) const;
    void release(const std::string& key, const std::string& token);
    void forget_held(const std::string& key);

    RedisConfig config_;
    Warn warn_;
    std::mutex mu_;
    redisContext* ctx_ = nullptr;
    // The value read with each lock this process holds, by storage key:
    // consumed by the first load() of that key (see kAcquireScript), dropped
    // on save, erase and release.
    std::mutex held_mu_;
    std::map<std::string, std::optional<std::string>> held_;
};

}  // namespace latchkey::storage
