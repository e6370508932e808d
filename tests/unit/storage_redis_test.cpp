// The redis storage backend against a real redis-server (Debian's), started
// here on 127.0.0.1 with a free port and no persistence, and stopped again:
// the shared conformance suite, TTLs, authentication, an unreachable or
// stopped or frozen server, corrupted values, crashed lock holders, and two
// hosts (as two processes would be) sharing one fetch.
//
// redis-server missing is a failure, not a skip: tools/setup installs it.
#include <arpa/inet.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <stdexcept>

#include "process.hpp"
#include "storage/record_json.hpp"
#include "storage/redis_storage.hpp"
#include "storage_conformance.hpp"
#include "unit_support.hpp"
#include "util/clock.hpp"
#include "crypto/primitives.hpp"

namespace {

using latchkey::Error;
using latchkey::ErrorKind;
using latchkey::detail::CredentialData;
using latchkey::storage::OpenRequest;
using latchkey::storage::Options;
using latchkey::storage::RedisStorage;
using latchkey::test::Child;
using namespace lkt;

// ---- a real redis-server ---------------------------------------------------------

std::string find_redis_server() {
    std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
    path += ":/usr/bin:/usr/sbin:/usr/local/bin";
    size_t start = 0;
    while (start <= path.size()) {
        size_t end = path.find(':', start);
        if (end == std::string::npos) end = path.size();
        std::string dir = path.substr(start, end - start);
        if (!dir.empty()) {
            std::string candidate = dir + "/redis-server";
            if (access(candidate.c_str(), X_OK) == 0) return candidate;
        }
        start = end + 1;
    }
    throw std::runtime_error(
        "redis-server is not installed; the redis storage tests need it (run tools/setup, or "
        "apt-get install redis-server)");
}

// A port nobody listens on right now: bind 127.0.0.1:0, read it, close.
int free_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("socket failed");
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        close(fd);
        throw std::runtime_error("cannot find a free port on 127.0.0.1");
    }
    close(fd);
    return ntohs(a.sin_port);
}

struct RawReply {
    int type = 0;
    std::string str;
    long long integer = 0;
};

// A plain hiredis connection, for looking behind the backend's back.
class Raw {
 public:
    explicit Raw(int port, const std::string& password = "", int timeout_ms = 2000) {
        timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
        c_ = redisConnectWithTimeout("127.0.0.1", port, tv);
        if (!c_ || c_->err) {
            std::string why = c_ ? c_->errstr : "out of memory";
            if (c_) redisFree(c_);
            c_ = nullptr;
            throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port) + ": " +
                                     why);
        }
        redisSetTimeout(c_, tv);
        if (!password.empty()) cmd({"AUTH", password});
    }
    ~Raw() {
        if (c_) redisFree(c_);
    }
    Raw(const Raw&) = delete;
    Raw& operator=(const Raw&) = delete;

    // The next message pushed to a subscribed connection (or a timeout error).
    RawReply next() {
        void* reply = nullptr;
        if (redisGetReply(c_, &reply) != REDIS_OK || !reply)
            throw std::runtime_error(std::string("no message: ") + c_->errstr);
        auto* r = static_cast<redisReply*>(reply);
        RawReply out;
        out.type = r->type;
        for (size_t i = 0; i < r->elements; ++i)
            if (r->element[i]->str)
                out.str += std::string(r->element[i]->str, r->element[i]->len) + " ";
        freeReplyObject(r);
        return out;
    }

    RawReply cmd(const std::vector<std::string>& args) {
        std::vector<const char*> argv;
        std::vector<size_t> lens;
        for (auto& a : args) argv.push_back(a.c_str()), lens.push_back(a.size());
        auto* r = static_cast<redisReply*>(
            redisCommandArgv(c_, static_cast<int>(args.size()), argv.data(), lens.data()));
        if (!r) throw std::runtime_error("redis " + args[0] + " failed: " + c_->errstr);
        RawReply out;
        out.type = r->type;
        if (r->str) out.str.assign(r->str, r->len);
        out.integer = r->integer;
        freeReplyObject(r);
        return out;
    }

 private:
    redisContext* c_ = nullptr;
};

// redis-server on 127.0.0.1:PORT: no persistence, its working dir private,
// stopped (SIGKILL, it keeps nothing) when destroyed.
class RedisServer {
 public:
    explicit RedisServer(const std::string& password = "", int port = 0)
        : password_(password), port_(port ? port : free_port()) {
        start();
    }

    void start() {
        std::vector<std::string> argv{find_redis_server(),
                                      "--port",
                                      std::to_string(port_),
                                      "--bind",
                                      "127.0.0.1",
                                      "--save",
                                      "",
                                      "--appendonly",
                                      "no",
                                      "--dir",
                                      dir_.path(),
                                      "--loglevel",
                                      "warning"};
        if (!password_.empty()) argv.insert(argv.end(), {"--requirepass", password_});
        child_ = std::make_unique<Child>(argv);
        // Ready once it answers PING.
        auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        std::string last;
        while (std::chrono::steady_clock::now() < until) {
            try {
                Raw raw(port_, password_, 500);
                if (raw.cmd({"PING"}).str == "PONG") return;
            } catch (const std::exception& e) {
                last = e.what();
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        throw std::runtime_error("redis-server on 127.0.0.1:" + std::to_string(port_) +
                                 " did not answer PING within 10 s: " + last);
    }
    void stop() {
        if (child_) child_->stop(SIGKILL);
        child_.reset();
    }
    pid_t pid() const { return child_ ? child_->pid() : -1; }
    int port() const { return port_; }
    std::string url(int db = 0) const {
        return "redis://127.0.0.1:" + std::to_string(port_) + "/" + std::to_string(db);
    }
    std::unique_ptr<Raw> raw() const { return std::make_unique<Raw>(port_, password_); }

 private:
    TempDir dir_;
    std::string password_;
    int port_;
    std::unique_ptr<Child> child_;
};

// The conformance suite's server: one for the whole test binary, started on
// first use (test listing starts none) and stopped at exit.
RedisServer& shared_server() {
    static RedisServer server;
    return server;
}

latchkey::policy::ResolvedValue text_value(const std::string& text) {
    latchkey::policy::ResolvedValue v;
    v.set = true;
    v.text = text;
    v.source = "test";
    return v;
}

latchkey::policy::ResolvedValue duration_value(int64_t ms) {
    auto v = text_value(std::to_string(ms / 1000));
    v.ms = ms;
    v.is_duration = true;
    return v;
}

// The backend's resolved options as the host would hand them over: the
// schema's defaults, then `overrides`.
Options options_for(const std::string& url, const Options& overrides = {}) {
    Options o;
    o["url"] = text_value(url);
    o["key_prefix"] = text_value("latchkey:");
    o["on_unavailable"] = text_value("fail");
    o["lock_ttl"] = duration_value(30'000);
    o["timeout"] = duration_value(2'000);
    for (auto& [k, v] : overrides) o[k] = v;
    return o;
}

std::string unique_suffix() {
    unsigned char r[6];
    latchkey::crypto::random_bytes(r, sizeof r);
    return latchkey::crypto::sha256_hex(std::string(reinterpret_cast<char*>(r), sizeof r))
        .substr(0, 12);
}

CredentialData credential(const std::string& token, int64_t lifetime_ms = 3'600'000) {
    CredentialData c;
    c.token = token;
    c.refresh_token = "rt-" + token;
    c.obtained_at_ms = latchkey::util::now_ms();
    c.expires_at_ms = lifetime_ms ? c.obtained_at_ms + lifetime_ms : 0;
    return c;
}

// ---- the conformance suite -------------------------------------------------------

std::unique_ptr<latchkey::storage::Storage> open_shared() {
    OpenRequest r;
    r.backend = "redis";
    r.options = options_for(shared_server().url());
    return latchkey::storage::open_redis_storage(r);
}

}  // namespace

namespace latchkey::test {
INSTANTIATE_TEST_SUITE_P(Redis, StorageConformance,
                         ::testing::Values(ConformanceBackend{"redis", open_shared, true}),
                         [](const auto& info) { return info.param.name; });
}  // namespace latchkey::test

namespace {

// ---- the backend on its own server -------------------------------------------------

class RedisStorageTest : public Isolated {
 protected:
    // A storage on `url` with `overrides`; warnings go to `warnings`.
    std::unique_ptr<latchkey::storage::Storage> open(const std::string& url,
                                                     const Options& overrides = {}) {
        OpenRequest r;
        r.backend = "redis";
        r.options = options_for(url, overrides);
        r.warn = [this](const std::string& m) {
            std::lock_guard g(mu_);
            warnings_.push_back(m);
        };
        return latchkey::storage::open_redis_storage(r);
    }
    std::unique_ptr<latchkey::storage::Storage> open(const Options& overrides = {}) {
        return open(server().url(), overrides);
    }
    RedisServer& server() {
        if (!server_) server_ = std::make_unique<RedisServer>();
        return *server_;
    }
    std::vector<std::string> warnings() {
        std::lock_guard g(mu_);
        return warnings_;
    }
    std::string all_warnings() {
        std::string out;
        for (auto& w : warnings()) out += w + "\n";
        return out;
    }

    std::unique_ptr<RedisServer> server_;
    std::mutex mu_;
    std::vector<std::string> warnings_;
};

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

TEST_F(RedisStorageTest, NameLocationAndCheck) {
    auto s = open();
    s->save("a." + unique_suffix(), credential("tok-a"));
    s->save("b." + unique_suffix(), credential("tok-b"));
    EXPECT_EQ(s->name(), "redis");
    EXPECT_EQ(s->location(), server().url());
    EXPECT_EQ(s->check(), "redis: " + server().url() + " reachable (PING), 2 credentials");
}

TEST_F(RedisStorageTest, ValueIsTheRecordDocumentWithATtlMatchingExpiry) {
    auto s = open();
    std::string key = "ttl." + unique_suffix();
    auto c = credential("tok-ttl", 60'000);
    s->save(key, c);
    auto raw = server().raw();
    auto value = raw->cmd({"GET", "latchkey:" + key});
    ASSERT_EQ(value.type, REDIS_REPLY_STRING);
    EXPECT_EQ(value.str, latchkey::storage::to_json(c));
    long long pttl = raw->cmd({"PTTL", "latchkey:" + key}).integer;
    int64_t left = c.expires_at_ms - latchkey::util::now_ms();
    EXPECT_LE(pttl, 60'000);
    EXPECT_GE(pttl, left - 1'000) << "PTTL " << pttl << " for " << left << " ms left";

    // No expiry: no TTL. Already expired: not kept at all.
    s->save(key, credential("tok-forever", 0));
    EXPECT_EQ(raw->cmd({"PTTL", "latchkey:" + key}).integer, -1);
    auto old = credential("tok-old");
    old.expires_at_ms = latchkey::util::now_ms() - 1;
    s->save(key, old);
    EXPECT_EQ(raw->cmd({"EXISTS", "latchkey:" + key}).integer, 0);
    EXPECT_FALSE(s->load(key).has_value());
}

TEST_F(RedisStorageTest, KeysAreThePrefixedOnesWithoutLocks) {
    auto s = open({{"key_prefix", text_value("lk*[x]:")}});
    std::string a = "a." + unique_suffix();
    s->save(a, credential("tok-a"));
    auto lock = s->lock("b." + unique_suffix());
    auto raw = server().raw();
    raw->cmd({"SET", "lkAx:other", "x"});  // would match the prefix as an unescaped pattern
    raw->cmd({"SET", "unrelated", "x"});
    EXPECT_EQ(s->keys(), std::vector<std::string>{a});
    EXPECT_EQ(raw->cmd({"EXISTS", "lk*[x]:" + a}).integer, 1);
}

TEST_F(RedisStorageTest, SelectsTheDatabaseOfTheUrl) {
    auto s = open(server().url(3));
    std::string key = "db." + unique_suffix();
    s->save(key, credential("tok-db3"));
    auto raw = server().raw();
    EXPECT_EQ(raw->cmd({"EXISTS", "latchkey:" + key}).integer, 0);
    raw->cmd({"SELECT", "3"});
    EXPECT_EQ(raw->cmd({"EXISTS", "latchkey:" + key}).integer, 1);
    EXPECT_EQ(s->location(), server().url(3));
}

TEST_F(RedisStorageTest, WrongPasswordIsAnAuthenticationErrorWithoutThePassword) {
    server_ = std::make_unique<RedisServer>("right-Pass-4e1b");
    auto e = catch_error([&] { open({{"password", text_value("wrong-Pass-7d3e")}}); });
    EXPECT_EQ(e.kind(), ErrorKind::storage);
    std::string m = e.what();
    EXPECT_TRUE(contains(m, "redis storage at " + server().url())) << m;
    EXPECT_TRUE(contains(m, "authentication failed")) << m;
    EXPECT_TRUE(contains(m, "[storage.redis] password")) << m;
    EXPECT_FALSE(contains(m, "wrong-Pass-7d3e")) << m;
    EXPECT_FALSE(contains(m, "right-Pass-4e1b")) << m;

    // The same with the password in the URL: neither is it shown there.
    auto u = catch_error([&] {
        open("redis://:url-Pass-9a9a@127.0.0.1:" + std::to_string(server().port()) + "/0");
    });
    EXPECT_TRUE(contains(u.what(), "authentication failed")) << u.what();
    EXPECT_FALSE(contains(u.what(), "url-Pass-9a9a")) << u.what();
}

TEST_F(RedisStorageTest, PasswordFromTheUrlOrTheOptionWhichWins) {
    server_ = std::make_unique<RedisServer>("right-Pass-4e1b");
    std::string port = std::to_string(server().port());
    auto from_url = open("redis://:right-Pass-4e1b@127.0.0.1:" + port + "/0");
    EXPECT_EQ(from_url->location(), server().url());  // no userinfo shown
    from_url->save("k", credential("tok-url"));
    auto option_wins = open("redis://:stale-Pass@127.0.0.1:" + port + "/0",
                            {{"password", text_value("right-Pass-4e1b")}});
    EXPECT_EQ(option_wins->load("k")->token, "tok-url");
}

TEST_F(RedisStorageTest, MissingPasswordSaysSo) {
    server_ = std::make_unique<RedisServer>("right-Pass-4e1b");
    auto e = catch_error([&] { open(); });
    EXPECT_EQ(e.kind(), ErrorKind::storage);
    EXPECT_TRUE(contains(e.what(), "NOAUTH")) << e.what();
    EXPECT_TRUE(contains(e.what(), "[storage.redis] password")) << e.what();
}

TEST_F(RedisStorageTest, PasswordForAServerWithoutOne) {
    auto e = catch_error([&] { open({{"password", text_value("unneeded-Pass")}}); });
    EXPECT_EQ(e.kind(), ErrorKind::storage);
    EXPECT_TRUE(contains(e.what(), "authentication failed")) << e.what();
    EXPECT_FALSE(contains(e.what(), "unneeded-Pass")) << e.what();
}

TEST_F(RedisStorageTest, ServerDownNamesTheUrlAndTheNextStep) {
    std::string url = "redis://127.0.0.1:" + std::to_string(free_port()) + "/0";
    auto e = catch_error([&] { open(url); });
    EXPECT_EQ(e.kind(), ErrorKind::storage);
    std::string m = e.what();
    EXPECT_TRUE(contains(m, "redis storage at " + url + ": cannot connect")) << m;
    EXPECT_TRUE(contains(m, "is it running?")) << m;
    EXPECT_TRUE(contains(m, "LATCHKEY_REDIS_URL")) << m;
}

TEST_F(RedisStorageTest, OnUnavailableMemoryFallsBackWithAWarning) {
    std::string url = "redis://127.0.0.1:" + std::to_string(free_port()) + "/0";
    auto s = open(url, {{"on_unavailable", text_value("memory")}});
    EXPECT_EQ(s->name(), "memory");
    s->save("k", credential("tok-mem"));
    EXPECT_EQ(s->load("k")->token, "tok-mem");
    ASSERT_EQ(warnings().size(), 1u) << all_warnings();
    EXPECT_TRUE(contains(warnings()[0], url)) << all_warnings();
    EXPECT_TRUE(contains(warnings()[0], "on_unavailable = \"memory\"")) << all_warnings();

    // A server that is up but refuses us is not "unavailable": that fails.
    server_ = std::make_unique<RedisServer>("right-Pass-4e1b");
    auto e = catch_error([&] {
        open({{"on_unavailable", text_value("memory")}, {"password", text_value("wrong-Pass")}});
    });
    EXPECT_TRUE(contains(e.what(), "authentication failed")) << e.what();
}

TEST_F(RedisStorageTest, ConfigurationMistakesAreConfigErrors) {
    auto bad = [&](const std::string& url, const Options& more = {}) {
        Options o = more;
        o["url"] = text_value(url);
        return catch_error([&] { open(url, o); });
    };
    auto e = bad("redis://127.0.0.1:6379/0", {{"on_unavailable", text_value("cache")}});
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_TRUE(contains(e.what(), "\"fail\" or \"memory\"")) << e.what();
    EXPECT_TRUE(contains(e.what(), "cache")) << e.what();

    e = bad("rediss://:tls-Pass@127.0.0.1:6380/0");
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_TRUE(contains(e.what(), "TLS")) << e.what();
    EXPECT_TRUE(contains(e.what(), "newer hiredis")) << e.what();
    EXPECT_FALSE(contains(e.what(), "tls-Pass")) << e.what();

    e = bad("http://127.0.0.1:6379/0");
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_TRUE(contains(e.what(), "redis://")) << e.what();

    e = bad("redis://127.0.0.1:6379/zero");
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_TRUE(contains(e.what(), "database number")) << e.what();

    e = bad("redis://127.0.0.1:6379/0", {{"lock_ttl", duration_value(0)}});
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_TRUE(contains(e.what(), "lock_ttl")) << e.what();
}

TEST_F(RedisStorageTest, ServerStoppedMidRunIsAClearErrorNotACrash) {
    auto s = open();
    std::string key = "stop." + unique_suffix();
    s->save(key, credential("tok-before"));
    server().stop();
    for (int i = 0; i < 2; ++i) {  // and again, on the reconnect path
        auto e = catch_error([&] { s->load(key); });
        EXPECT_EQ(e.kind(), ErrorKind::storage);
        EXPECT_TRUE(contains(e.what(), "redis storage at " + server().url())) << e.what();
        EXPECT_TRUE(contains(e.what(), "is it running?")) << e.what();
    }
    EXPECT_EQ(catch_error([&] { s->save(key, credential("tok-after")); }).kind(),
              ErrorKind::storage);
    EXPECT_EQ(catch_error([&] { s->lock(key); }).kind(), ErrorKind::storage);
    EXPECT_EQ(catch_error([&] { s->check(); }).kind(), ErrorKind::storage);
}

TEST_F(RedisStorageTest, ReconnectsOnceAfterTheServerRestarted) {
    auto s = open();
    std::string key = "restart." + unique_suffix();
    s->save(key, credential("tok-1"));
    server().stop();
    server().start();  // same port, empty (no persistence)
    EXPECT_FALSE(s->load(key).has_value());
    s->save(key, credential("tok-2"));
    EXPECT_EQ(s->load(key)->token, "tok-2");
}

TEST_F(RedisStorageTest, AFrozenServerTimesOutMidOperation) {
    auto s = open({{"timeout", duration_value(300)}});
    std::string key = "frozen." + unique_suffix();
    s->save(key, credential("tok-frozen"));
    ASSERT_EQ(kill(server().pid(), SIGSTOP), 0);
    auto t0 = std::chrono::steady_clock::now();
    auto e = catch_error([&] { s->load(key); });
    auto took = std::chrono::steady_clock::now() - t0;
    kill(server().pid(), SIGCONT);
    EXPECT_EQ(e.kind(), ErrorKind::storage);
    EXPECT_TRUE(contains(e.what(), "redis storage at " + server().url())) << e.what();
    EXPECT_TRUE(contains(e.what(), "no answer to GET within 300ms")) << e.what();
    EXPECT_TRUE(contains(e.what(), "[storage.redis] timeout")) << e.what();
    EXPECT_LT(took, std::chrono::seconds(2));
    // Thawed, the next call reconnects and works.
    EXPECT_EQ(s->load(key)->token, "tok-frozen");
}

TEST_F(RedisStorageTest, CorruptedValueIsReportedAndTreatedAsAbsent) {
    auto s = open();
    std::string key = "bad." + unique_suffix();
    auto raw = server().raw();
    raw->cmd({"SET", "latchkey:" + key, "{not a credential"});
    EXPECT_FALSE(s->load(key).has_value());
    ASSERT_EQ(warnings().size(), 1u) << all_warnings();
    EXPECT_TRUE(contains(warnings()[0], "latchkey:" + key)) << all_warnings();
    EXPECT_TRUE(contains(warnings()[0], "a new one will be fetched")) << all_warnings();

    // Not even a string.
    raw->cmd({"DEL", "latchkey:" + key});
    raw->cmd({"HSET", "latchkey:" + key, "token", "x"});
    EXPECT_FALSE(s->load(key).has_value());
    EXPECT_EQ(warnings().size(), 2u) << all_warnings();

    // The next save replaces it.
    s->save(key, credential("tok-good"));
    EXPECT_EQ(s->load(key)->token, "tok-good");
}

TEST_F(RedisStorageTest, ACrashedLockHolderIsSurvivedThroughItsTtl) {
    auto s = open();
    std::string key = "crash." + unique_suffix();
    auto raw = server().raw();
    // A holder that took the lock and died: its token, a 400 ms TTL.
    raw->cmd({"SET", "latchkey:" + key + ":lock", "dead-holder", "PX", "400"});
    auto t0 = std::chrono::steady_clock::now();
    {
        auto lock = s->lock(key);
        auto waited = std::chrono::steady_clock::now() - t0;
        EXPECT_GE(waited, std::chrono::milliseconds(300));
        EXPECT_LT(waited, std::chrono::seconds(3));
        EXPECT_NE(raw->cmd({"GET", "latchkey:" + key + ":lock"}).str, "dead-holder");
    }
    EXPECT_EQ(raw->cmd({"EXISTS", "latchkey:" + key + ":lock"}).integer, 0);
}

TEST_F(RedisStorageTest, UnlockNeverDeletesALockItDoesNotOwn) {
    auto s = open({{"lock_ttl", duration_value(200)}});
    std::string key = "own." + unique_suffix();
    std::string lk = "latchkey:" + key + ":lock";
    auto raw = server().raw();
    {
        auto lock = s->lock(key);
        EXPECT_GT(raw->cmd({"PTTL", lk}).integer, 0);
        std::this_thread::sleep_for(std::chrono::milliseconds(350));  // ours expired
        raw->cmd({"SET", lk, "someone-else", "PX", "10000"});
    }
    EXPECT_EQ(raw->cmd({"GET", lk}).str, "someone-else");
    EXPECT_TRUE(contains(all_warnings(), "had expired before it was released")) << all_warnings();
    EXPECT_TRUE(contains(all_warnings(), "lock_ttl")) << all_warnings();
}

TEST_F(RedisStorageTest, ALockThatNeverExpiresIsAnErrorNotAHang) {
    auto s = open({{"lock_ttl", duration_value(200)}, {"timeout", duration_value(300)}});
    std::string key = "stuck." + unique_suffix();
    auto raw = server().raw();
    raw->cmd({"SET", "latchkey:" + key + ":lock", "set-by-hand"});  // no PX
    auto t0 = std::chrono::steady_clock::now();
    auto e = catch_error([&] { s->lock(key); });
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
    EXPECT_EQ(e.kind(), ErrorKind::storage);
    EXPECT_TRUE(contains(e.what(), "PTTL latchkey:" + key + ":lock")) << e.what();

    // Not even a string where the lock should be.
    raw->cmd({"HSET", "latchkey:" + key + ".h:lock", "f", "v"});
    e = catch_error([&] { s->lock(key + ".h"); });
    EXPECT_EQ(e.kind(), ErrorKind::storage);
    EXPECT_TRUE(contains(e.what(), "PTTL latchkey:" + key + ".h:lock")) << e.what();
}

TEST_F(RedisStorageTest, LockWaitersProceedRightAfterRelease) {
    auto holder = open();
    auto waiter = open();
    std::string key = "fast." + unique_suffix();
    auto lock = holder->lock(key);
    std::atomic<int64_t> acquired_at{0};
    std::thread t([&] {
        auto l = waiter->lock(key);
        acquired_at = latchkey::util::now_ms();
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_EQ(acquired_at.load(), 0);
    int64_t released_at = latchkey::util::now_ms();
    lock.reset();
    t.join();
    // Woken by the release (not its next poll); generous for a busy machine.
    EXPECT_LT(acquired_at - released_at, 200);
}

// The lock script reads the value as it takes the lock, for the load() that
// follows; that copy never outlives the lock nor a write through the store.
TEST_F(RedisStorageTest, TheValueReadWithTheLockNeverGoesStale) {
    auto s = open();
    std::string key = "held." + unique_suffix();
    auto raw = server().raw();
    s->save(key, credential("tok-1"));
    {
        auto lock = s->lock(key);
        EXPECT_EQ(s->load(key)->token, "tok-1");
        s->save(key, credential("tok-2"));
        EXPECT_EQ(s->load(key)->token, "tok-2");
    }
    {
        auto lock = s->lock(key);
        s->erase(key);
        EXPECT_FALSE(s->load(key).has_value());
    }
    s->save(key, credential("tok-3"));
    s->lock(key).reset();  // taken and released without a load
    raw->cmd({"SET", "latchkey:" + key, latchkey::storage::to_json(credential("tok-4"))});
    EXPECT_EQ(s->load(key)->token, "tok-4");

    // A corrupted value read with the lock is reported like any other.
    raw->cmd({"SET", "latchkey:" + key, "{garbage"});
    {
        auto lock = s->lock(key);
        EXPECT_FALSE(s->load(key).has_value());
    }
    EXPECT_TRUE(contains(all_warnings(), "ignoring stored credential latchkey:" + key))
        << all_warnings();
    raw->cmd({"DEL", "latchkey:" + key});
    raw->cmd({"HSET", "latchkey:" + key, "f", "v"});
    {
        auto lock = s->lock(key);
        EXPECT_FALSE(s->load(key).has_value());
    }
    EXPECT_TRUE(contains(all_warnings(), "WRONGTYPE")) << all_warnings();
}

TEST_F(RedisStorageTest, ReleaseIsAnnouncedOnTheLockChannel) {
    auto s = open();
    std::string key = "announce." + unique_suffix();
    std::string lk = "latchkey:" + key + ":lock";
    auto watcher = server().raw();
    watcher->cmd({"SUBSCRIBE", lk});
    s->lock(key).reset();
    EXPECT_EQ(watcher->next().str, "message " + lk + " released ");
}

// ---- through the Host ----------------------------------------------------------

class RedisHost : public RedisStorageTest {
 protected:
    std::string write_policy(const std::string& url, const std::string& extra = "") {
        count_ = dir.file("count");
        return dir.write("policy.toml",
                         "[storage]\nbackend = \"redis\"\n[storage.redis]\nurl = \"" + url +
                             "\"\n" + extra +
                             "[sites.t]\nprovider = \"test-counter\"\n"
                             "counter_file = \"" +
                             count_ + "\"\ndelay_ms = 300\n");
    }
    latchkey::Host host(const std::string& policy) {
        latchkey::HostOptions o;
        o.config_path = policy;
        o.plugin_dirs = {kGoodDir};
        o.log_level = latchkey::LogLevel::info;
        o.log_sink = log.sink();
        return latchkey::Host::open(o);
    }
    LogCapture log;
    std::string count_;
};

TEST_F(RedisHost, TwoHostsShareOneAcquire) {
    std::string policy = write_policy(server().url());
    // Two hosts, as two processes would have, four callers each.
    auto a = host(policy);
    auto b = host(policy);
    auto got = on_threads_together(8, [&](int i) {
        try {
            return (i % 2 ? a : b).token("t").token();
        } catch (const std::exception& e) {
            return std::string("error: ") + e.what();
        }
    });
    EXPECT_EQ(counter(count_), 1);
    for (auto& g : got) EXPECT_EQ(g, "tok-1");
    // Stored in Redis, with a TTL, under the host's key.
    auto raw = server().raw();
    auto s = open();
    auto stored = s->keys();
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0].rfind("t.", 0), 0u) << stored[0];
    EXPECT_GT(raw->cmd({"PTTL", "latchkey:" + stored[0]}).integer, 3'000'000);
    // A third host, later, reads it without acquiring.
    EXPECT_EQ(host(policy).token("t").token(), "tok-1");
    EXPECT_EQ(counter(count_), 1);
}

TEST_F(RedisHost, EnvironmentOverridesThePolicyUrl) {
    std::string dead = "redis://127.0.0.1:" + std::to_string(free_port()) + "/0";
    std::string policy = write_policy(dead);
    env.set("LATCHKEY_REDIS_URL", server().url());
    EXPECT_EQ(host(policy).token("t").token(), "tok-1");
    auto s = open();
    EXPECT_EQ(s->keys().size(), 1u);
}

TEST_F(RedisHost, ServerDownThroughTheHost) {
    std::string dead = "redis://127.0.0.1:" + std::to_string(free_port()) + "/0";
    auto h = host(write_policy(dead));
    auto e = catch_error([&] { h.token("t"); });
    EXPECT_EQ(e.kind(), ErrorKind::storage);
    EXPECT_TRUE(contains(e.what(), "redis storage at " + dead)) << e.what();
    EXPECT_EQ(counter(count_), 0);

    // With on_unavailable = "memory" the host carries on, and says why.
    auto m = host(write_policy(dead, "on_unavailable = \"memory\"\n"));
    EXPECT_EQ(m.token("t").token(), "tok-1");
    EXPECT_TRUE(log.contains("on_unavailable = \"memory\"")) << log.all();
}

}  // namespace
