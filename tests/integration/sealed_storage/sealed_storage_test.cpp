// Encryption at rest as a user meets it: `latchkey` against the dev server,
// credentials kept in a real redis-server (read behind latchkey's back with
// redis-cli) or in the file store, sealed under keys given as secrets
// (LATCHKEY_SECRETS_DIR in the sandbox). Served tokens, what the store
// holds, a wrong or missing key, a plain value under a key, rotation, and
// `config check`'s warning about plain redis.
#include <filesystem>
#include <fstream>

#include "cli_test.hpp"
#include "redis_server.hpp"

namespace latchkey::itest {
namespace {

// Two keys as `openssl rand -base64 32` prints them (fixed, so a leak is
// searchable), and the ids latchkey derives from them are read back from
// the envelopes.
const std::string kKeyA = "q7C0cFJm0a9hPzqS5o1mXbq2V7m0xk3yq1b3Qh5mK0E=";
const std::string kKeyB = "Zr8lR2m1n0Q9sT6uV3wX4yZ5a6B7c8D9e0F1g2H3i4J=";

class SealedStore : public DevServerTest {
 protected:
    SealedStore() {
        std::filesystem::create_directories(secrets_dir());
        env_["LATCHKEY_SECRETS_DIR"] = secrets_dir();
        never_print(kKeyA);
        never_print(kKeyB);
    }

    std::string secrets_dir() const { return sandbox_.file("secrets"); }
    void write_secret(const std::string& name, const std::string& value) {
        std::ofstream(secrets_dir() + "/" + name) << value << "\n";
    }

    // The dev site on `backend`, with `storage_lines` added to [storage].
    void write_store_policy(const std::string& backend, const std::string& storage_lines) {
        std::string redis = "[storage.redis]\nurl = \"" + redis_.url() + "\"\n";
        write_policy("[storage]\nbackend = \"" + backend + "\"\n" + storage_lines + "\n" + redis +
                     cc_site("dev"));
    }
    void write_sealed_redis_policy(const std::string& extra = "") {
        write_store_policy("redis", "encryption_key = { secret = \"storage-key\" }\n" + extra);
    }

    // The one credential the dev site has in redis: its key and its value.
    std::string redis_key() {
        std::vector<std::string> found;
        for (auto& k : redis_.keys("latchkey:dev.*"))
            if (k.find(":lock") == std::string::npos) found.push_back(k);
        EXPECT_EQ(found.size(), 1u) << "credentials in redis: " << join_args(found);
        return found.empty() ? "" : found[0];
    }
    std::string redis_value() { return redis_.cli({"GET", redis_key()}); }

    // The key id an envelope in `value` names.
    static std::string key_id_in(const std::string& value) {
        auto at = value.find("latchkey-sealed:1:");
        if (at == std::string::npos) return "";
        return value.substr(at + 18, 8);
    }

    std::string token_ok() {
        auto t = lk({"token"});
        EXPECT_EQ(t.exit_code, 0) << t.err;
        token_like(first_line(t.out));
        return first_line(t.out);
    }

    std::string file_store_value() {
        for (auto& e : std::filesystem::directory_iterator(state_dir()))
            if (e.path().extension() == ".json") return test::read_file(e.path().string());
        ADD_FAILURE() << "no credential file in " << state_dir();
        return "";
    }

    RedisServer redis_;
};

TEST_F(SealedStore, RedisHoldsNoPlainCredentialAndTheCliServesTheToken) {
    write_secret("storage-key", kKeyA);
    write_sealed_redis_policy();
    std::string token = token_ok();
    ASSERT_FALSE(token.empty());

    std::string stored = redis_value();
    EXPECT_EQ(stored.find(token), std::string::npos) << stored;
    EXPECT_NE(stored.find("latchkey-sealed:1:"), std::string::npos) << stored;
    EXPECT_EQ(key_id_in(stored).size(), 8u);

    // Served again from redis, opened: no second fetch.
    EXPECT_EQ(token_ok(), token);
    EXPECT_EQ(server_.issued(kClient), 1);

    auto list = lk({"storage", "list"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    EXPECT_NE(list.out.find("expires in"), std::string::npos) << list.out;
    auto status = lk({"status"});
    ASSERT_EQ(status.exit_code, 0) << status.err;
    EXPECT_NE(status.out.find("valid, expires in"), std::string::npos) << status.out;
    auto check = lk({"storage", "check"});
    ASSERT_EQ(check.exit_code, 0) << check.err;
    EXPECT_NE(check.out.find("values sealed with AES-256-GCM under key id " + key_id_in(stored)),
              std::string::npos)
        << check.out;
}

TEST_F(SealedStore, WrongKeyIsAClearErrorThatFetchesNothingAndKeepsTheValue) {
    write_secret("storage-key", kKeyA);
    write_sealed_redis_policy();
    token_ok();
    std::string stored = redis_value();

    write_secret("storage-key", kKeyB);  // the key changed
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("site 'dev': the credential in redis (" + redis_.url() +
                         ") is sealed under key id " + key_id_in(stored)),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("the key changed"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("`latchkey logout --at dev`"), std::string::npos) << r.err;
    EXPECT_EQ(redis_value(), stored);
    EXPECT_EQ(server_.issued(kClient), 1);

    // The way out it names works: the value is dropped and a new one sealed.
    auto out = lk({"logout"});
    EXPECT_EQ(out.exit_code, 0) << out.err;
    std::string fresh = token_ok();
    EXPECT_EQ(server_.issued(kClient), 2);
    EXPECT_NE(key_id_in(redis_value()), key_id_in(stored));
    EXPECT_EQ(redis_value().find(fresh), std::string::npos);
}

TEST_F(SealedStore, SealedValueWithTheKeyRemovedIsRefused) {
    write_secret("storage-key", kKeyA);
    write_sealed_redis_policy();
    token_ok();
    std::string stored = redis_value();

    write_store_policy("redis", "");
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("but no encryption_key is set for this backend"), std::string::npos)
        << r.err;
    EXPECT_EQ(redis_value(), stored);
    EXPECT_EQ(server_.issued(kClient), 1);
}

TEST_F(SealedStore, ValueCopiedToAnotherSiteDoesNotOpen) {
    write_secret("storage-key", kKeyA);
    write_policy(
        "default_site = \"dev\"\n[storage]\nbackend = \"redis\"\nencryption_key = { secret = "
        "\"storage-key\" }\n"
        "[storage.redis]\nurl = \"" +
        redis_.url() + "\"\n" + cc_site("dev") + cc_site("ops", "scopes = [\"read\"]\n"));
    token_ok();
    auto ops = lk({"--at", "ops", "token"});
    ASSERT_EQ(ops.exit_code, 0) << ops.err;
    token_like(first_line(ops.out));
    std::string dev_key = redis_key();
    std::string ops_key = redis_.keys("latchkey:ops.*").at(0);
    // Someone with write access to redis puts dev's credential under ops.
    redis_.cli({"COPY", dev_key, ops_key, "REPLACE"});

    auto r = lk({"--at", "ops", "token"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("site 'ops'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("copied from another identity or site"), std::string::npos) << r.err;
}

TEST_F(SealedStore, RotationReadsWithThePreviousKeyAndStorageSealMovesToTheNewOne) {
    write_secret("storage-key", kKeyA);
    write_sealed_redis_policy();
    std::string token = token_ok();
    std::string id_a = key_id_in(redis_value());

    // Rotate: the new key seals, the old one still opens.
    write_secret("storage-key", kKeyB);
    write_secret("storage-key-old", kKeyA);
    write_sealed_redis_policy("previous_encryption_keys = [{ secret = \"storage-key-old\" }]\n");
    EXPECT_EQ(token_ok(), token);
    EXPECT_EQ(key_id_in(redis_value()), id_a);  // not rewritten by a read

    auto seal = lk({"storage", "seal"});
    ASSERT_EQ(seal.exit_code, 0) << seal.err;
    std::string id_b = key_id_in(redis_value());
    EXPECT_NE(id_b, id_a);
    EXPECT_NE(seal.out.find(": re-sealed under key id " + id_b), std::string::npos) << seal.out;
    EXPECT_NE(seal.out.find("0 sealed, 1 re-sealed"), std::string::npos) << seal.out;

    // The old key can go now.
    write_sealed_redis_policy();
    EXPECT_EQ(token_ok(), token);
    EXPECT_EQ(server_.issued(kClient), 1);
}

TEST_F(SealedStore, PlainValueUnderANewKeyIsRefusedUntilSealed) {
    write_store_policy("redis", "");
    std::string token = token_ok();
    ASSERT_NE(redis_value().find(token), std::string::npos);  // plain JSON before

    write_secret("storage-key", kKeyA);
    write_sealed_redis_policy();
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("is not sealed"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("`latchkey storage seal`"), std::string::npos) << r.err;

    auto seal = lk({"storage", "seal"});
    ASSERT_EQ(seal.exit_code, 0) << seal.err;
    EXPECT_NE(seal.out.find("1 sealed, 0 re-sealed"), std::string::npos) << seal.out;
    EXPECT_EQ(redis_value().find(token), std::string::npos);
    EXPECT_EQ(token_ok(), token);
    EXPECT_EQ(server_.issued(kClient), 1);
}

TEST_F(SealedStore, ConfigCheckWarnsAboutPlainRedisOnly) {
    write_store_policy("redis", "");
    auto plain = lk({"config", "check"});
    EXPECT_EQ(plain.exit_code, 0) << plain.err;
    EXPECT_NE(plain.err.find("latchkey: warning: site 'dev': credentials in redis are plain JSON"),
              std::string::npos)
        << plain.err;
    EXPECT_NE(plain.err.find("encryption_key"), std::string::npos) << plain.err;

    write_secret("storage-key", kKeyA);
    write_sealed_redis_policy();
    auto sealed = lk({"config", "check"});
    EXPECT_EQ(sealed.exit_code, 0) << sealed.err;
    EXPECT_EQ(sealed.err, "");
}

TEST_F(SealedStore, NotAKeyIsAConfigErrorNamingThePolicyLine) {
    write_secret("storage-key", "not-a-key-at-all");
    never_print("not-a-key-at-all");
    write_sealed_redis_policy();
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("[storage] encryption_key (" + policy() + ":3:18 via secret " +
                         secrets_dir() + "/storage-key) is not a 256-bit key"),
              std::string::npos)
        << r.err;
}

TEST_F(SealedStore, FileStoreWithAKeyIsSealedToo) {
    write_secret("storage-key", kKeyA);
    write_store_policy("file", "encryption_key = { secret = \"storage-key\" }\n");
    std::string token = token_ok();
    std::string stored = file_store_value();
    EXPECT_EQ(stored.find(token), std::string::npos) << stored;
    EXPECT_NE(stored.find("latchkey-sealed:1:"), std::string::npos) << stored;
    EXPECT_EQ(token_ok(), token);

    write_secret("storage-key", kKeyB);
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("site 'dev': the credential in file ("), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("the key changed"), std::string::npos) << r.err;
    EXPECT_EQ(file_store_value(), stored);
    EXPECT_EQ(server_.issued(kClient), 1);
}

TEST_F(SealedStore, KeyFromTheEnvironmentForOneBackend) {
    // [storage.redis] encryption_key, here through LATCHKEY_REDIS_ENCRYPTION_KEY.
    write_store_policy("redis", "");
    env_["LATCHKEY_REDIS_ENCRYPTION_KEY"] = kKeyB;
    std::string token = token_ok();
    EXPECT_EQ(redis_value().find(token), std::string::npos);
    EXPECT_NE(redis_value().find("latchkey-sealed:1:"), std::string::npos);
}

}  // namespace
}  // namespace latchkey::itest
