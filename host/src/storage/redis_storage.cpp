#include "storage/redis_storage.hpp"

#include <curl/curl.h>
#include <hiredis/hiredis.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <set>
#include <thread>

#include "crypto/primitives.hpp"
#include "latchkey/error.hpp"
#include "storage/memory_storage.hpp"
#include "storage/module.hpp"
#include "storage/record_json.hpp"
#include "util/clock.hpp"

namespace latchkey::storage {

namespace {

using Clock = std::chrono::steady_clock;

// Compare-and-delete: only the owner's token releases the lock. It also
// announces the release on a channel named after the lock, which waiters
// subscribe to (see ReleaseWatch).
constexpr const char* kUnlockScript =
    "if redis.call(\"get\",KEYS[1]) == ARGV[1] then redis.call(\"del\",KEYS[1]) "
    "redis.call(\"publish\",KEYS[1],\"released\") return 1 else return 0 end";
// Takes the lock (SET NX PX) and reads the value it guards, in one round
// trip: {1, value or nil} when taken ({1} when the value is not a string, for
// load() to report); else {0, the owner's token}. Waiters woken together by a
// release each make one round trip, and the one that wins needs no second one
// to read what the previous holder saved.
constexpr const char* kAcquireScript =
    "if redis.call(\"set\",KEYS[1],ARGV[1],\"NX\",\"PX\",ARGV[2]) then "
    "local v = redis.pcall(\"get\",KEYS[2]) "
    "if type(v) == \"table\" then return {1} end "
    "return {1, v} end "
    "local o = redis.pcall(\"get\",KEYS[1]) "
    "if type(o) == \"table\" then o = \"(not a lock)\" end "
    "return {0, o}";
constexpr auto kLockPoll = std::chrono::milliseconds(5);
constexpr const char* kUrlHint = "check [storage.redis] url or LATCHKEY_REDIS_URL";
constexpr const char* kPasswordHint = "check [storage.redis] password or LATCHKEY_REDIS_PASSWORD";

// The server cannot be reached at all (as opposed to refusing us): the case
// on_unavailable = "memory" covers.
class Unreachable : public Error {
 public:
    explicit Unreachable(const std::string& m) : Error(ErrorKind::storage, m) {}
};

std::string duration_text(int64_t ms) {
    if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
    return std::to_string(ms) + "ms";
}

timeval to_timeval(int64_t ms) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(ms / 1000);
    tv.tv_usec = static_cast<suseconds_t>((ms % 1000) * 1000);
    return tv;
}

std::string hex(const unsigned char* p, size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < n; ++i) {
        out += digits[p[i] >> 4];
        out += digits[p[i] & 15];
    }
    return out;
}

// SCAN MATCH treats these as pattern characters.
std::string glob_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// hiredis writes with write(2): a peer that went away would raise SIGPIPE
// and kill the process. Blocked on this thread for the length of a command,
// and a SIGPIPE raised meanwhile is consumed.
class SigpipeBlock {
 public:
    SigpipeBlock() {
        sigemptyset(&pipe_);
        sigaddset(&pipe_, SIGPIPE);
        sigset_t pending;
        sigpending(&pending);
        was_pending_ = sigismember(&pending, SIGPIPE) == 1;
        pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
    }
    ~SigpipeBlock() {
        if (!was_pending_) {
            sigset_t pending;
            sigpending(&pending);
            if (sigismember(&pending, SIGPIPE) == 1) {
                timespec zero{0, 0};
                while (sigtimedwait(&pipe_, nullptr, &zero) < 0 && errno == EINTR) {
                }
            }
        }
        pthread_sigmask(SIG_SETMASK, &old_, nullptr);
    }

 private:
    sigset_t pipe_{};
    sigset_t old_{};
    bool was_pending_ = false;
};

const policy::ResolvedValue* option(const Options& o, const char* key) {
    auto it = o.find(key);
    return it == o.end() || !it->second.set ? nullptr : &it->second;
}

[[noreturn]] void config_fail(const policy::ResolvedValue* v, const std::string& key,
                              const std::string& msg) {
    std::string where = v && !v->source.empty() ? v->source + ": " : "";
    throw policy::config_error(where + "[storage.redis] " + key + ": " + msg,
                               v ? v->pos : policy::SourcePos{});
}

std::optional<std::string> url_part(CURLU* u, CURLUPart part, unsigned flags = 0) {
    char* s = nullptr;
    if (curl_url_get(u, part, &s, flags) != CURLUE_OK || !s) return std::nullopt;
    std::string out(s);
    curl_free(s);
    return out;
}

// redis://[USER[:PASSWORD]@]HOST[:PORT][/DB] into `c`. The URL itself is
// never echoed back: it may carry a password.
void parse_url(const policy::ResolvedValue* v, RedisConfig& c) {
    const std::string text = v ? v->text : "redis://127.0.0.1:6379/0";
    const std::string expected = "expected redis://[:PASSWORD@]HOST:PORT/DB";
    std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), &curl_url_cleanup);
    if (!u) config_fail(v, "url", "cannot parse (out of memory)");
    CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, text.c_str(), CURLU_NON_SUPPORT_SCHEME);
    if (rc != CURLUE_OK)
        config_fail(v, "url",
                    std::string("not a valid URL (") + curl_url_strerror(rc) + "); " + expected);
    std::string scheme = url_part(u.get(), CURLUPART_SCHEME).value_or("");
    if (scheme == "rediss")
        config_fail(v, "url",
                    "TLS (rediss://) needs a newer hiredis than this build has (0.14, no TLS); "
                    "use redis:// on a trusted network, or a TLS tunnel to the server");
    if (scheme != "redis")
        config_fail(v, "url", "scheme '" + scheme + "' is not supported; " + expected);
    c.host = url_part(u.get(), CURLUPART_HOST).value_or("");
    if (c.host.size() >= 2 && c.host.front() == '[' && c.host.back() == ']')
        c.host = c.host.substr(1, c.host.size() - 2);
    if (c.host.empty()) config_fail(v, "url", "no host; " + expected);
    if (auto port = url_part(u.get(), CURLUPART_PORT)) {
        c.port = std::atoi(port->c_str());
        if (c.port <= 0 || c.port > 65535) config_fail(v, "url", "port must be 1-65535");
    }
    std::string path = url_part(u.get(), CURLUPART_PATH).value_or("/");
    if (path.empty() || path == "/") {
        c.db = 0;
    } else {
        std::string digits = path.substr(1);
        bool ok = !digits.empty() && digits.size() <= 6 &&
                  digits.find_first_not_of("0123456789") == std::string::npos;
        if (!ok)
            config_fail(v, "url", "the path must be the database number (e.g. /0); " + expected);
        c.db = std::atoi(digits.c_str());
    }
    if (url_part(u.get(), CURLUPART_QUERY) || url_part(u.get(), CURLUPART_FRAGMENT))
        config_fail(v, "url", "takes no ?query or #fragment; " + expected);
    c.username = url_part(u.get(), CURLUPART_USER, CURLU_URLDECODE).value_or("");
    c.password = url_part(u.get(), CURLUPART_PASSWORD, CURLU_URLDECODE).value_or("");
}

}  // namespace

// ---- configuration -----------------------------------------------------------

std::string RedisConfig::shown_url() const {
    bool v6 = host.find(':') != std::string::npos;
    return "redis://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + "/" +
           std::to_string(db);
}

RedisConfig redis_config_from(const Options& options) {
    RedisConfig c;
    parse_url(option(options, "url"), c);
    if (auto* p = option(options, "password"); p && !p->text.empty()) c.password = p->text;
    if (auto* p = option(options, "key_prefix")) c.key_prefix = p->text;
    if (auto* p = option(options, "on_unavailable")) {
        if (p->text != "fail" && p->text != "memory")
            config_fail(p, "on_unavailable",
                        "must be \"fail\" or \"memory\", not \"" + p->text + "\"");
        c.on_unavailable = p->text;
    }
    if (auto* p = option(options, "lock_ttl")) {
        if (p->ms <= 0) config_fail(p, "lock_ttl", "must be longer than 0");
        c.lock_ttl_ms = p->ms;
    }
    if (auto* p = option(options, "timeout")) {
        if (p->ms <= 0) config_fail(p, "timeout", "must be longer than 0");
        c.timeout_ms = p->ms;
    }
    return c;
}

std::unique_ptr<Storage> open_redis_storage(const OpenRequest& request) {
    RedisConfig config = redis_config_from(request.options);
    try {
        return std::make_unique<RedisStorage>(config, request.warn);
    } catch (const Unreachable& e) {
        if (config.on_unavailable != "memory") throw;
        if (request.warn)
            request.warn(std::string(e.what()) +
                         " -- on_unavailable = \"memory\": keeping credentials in this "
                         "process's memory instead, shared with no other process until it "
                         "restarts with the server reachable");
        return std::make_unique<MemoryStorage>();
    }
}

// ---- connection ----------------------------------------------------------------

void RedisStorage::ReplyDeleter::operator()(redisReply* r) const { freeReplyObject(r); }
void RedisStorage::ContextDeleter::operator()(redisContext* c) const { redisFree(c); }

RedisStorage::RedisStorage(RedisConfig config, Warn warn)
    : config_(std::move(config)), warn_(std::move(warn)) {
    SigpipeBlock sigpipe;
    std::lock_guard g(mu_);
    connect_locked();
}

RedisStorage::~RedisStorage() {
    std::lock_guard g(mu_);
    disconnect_locked();
}

void RedisStorage::fail(const std::string& what) const {
    std::string msg = "redis storage at " + config_.shown_url() + ": " + what;
    // Defence in depth: a server message never carries the password, but
    // should one ever echo it, it stops here.
    if (config_.password.size() >= 4)
        for (size_t at; (at = msg.find(config_.password)) != std::string::npos;)
            msg.replace(at, config_.password.size(), "***");
    throw Error(ErrorKind::storage, msg);
}

void RedisStorage::disconnect_locked() {
    if (ctx_) redisFree(ctx_);
    ctx_ = nullptr;
}

namespace {

struct Failure {
    std::string errstr;
    bool timed_out = false;
};

// One command on `ctx`; nullptr with `failure` set when the connection
// failed (the context is then unusable).
redisReply* send(redisContext* ctx, const std::vector<std::string>& args, Failure& failure) {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (auto& a : args) {
        argv.push_back(a.data());
        lens.push_back(a.size());
    }
    errno = 0;
    void* r = redisCommandArgv(ctx, static_cast<int>(args.size()), argv.data(), lens.data());
    int e = errno;
    if (r) return static_cast<redisReply*>(r);
    failure.errstr = ctx->errstr;
    failure.timed_out =
        ctx->err == REDIS_ERR_IO && (e == EAGAIN || e == EWOULDBLOCK || e == ETIMEDOUT);
    return nullptr;
}

}  // namespace

void RedisStorage::connect_locked() {
    disconnect_locked();
    ctx_ = open_context().release();
}

RedisStorage::Context RedisStorage::open_context() const {
    Context c(redisConnectWithTimeout(config_.host.c_str(), config_.port,
                                      to_timeval(config_.timeout_ms)));
    if (!c)
        throw Unreachable("redis storage at " + config_.shown_url() +
                          ": cannot connect (out of memory)");
    if (c->err) {
        std::string why = c->errstr;
        std::string msg =
            "redis storage at " + config_.shown_url() + ": cannot connect (" + why + ")";
        if (why.find("timed out") != std::string::npos)
            msg += " within " + duration_text(config_.timeout_ms) +
                   "; is the server up and reachable from here? " + kUrlHint +
                   ", or raise [storage.redis] timeout";
        else
            msg += std::string("; is it running? ") + kUrlHint;
        throw Unreachable(msg);
    }
    redisSetTimeout(c.get(), to_timeval(config_.timeout_ms));
    redisEnableKeepAlive(c.get());

    auto step = [&](const std::vector<std::string>& args) {
        Failure f;
        Reply r(send(c.get(), args, f));
        if (!r) {
            std::string msg = "redis storage at " + config_.shown_url() + ": ";
            if (f.timed_out)
                throw Unreachable(msg + "no answer to " + args[0] + " within " +
                                  duration_text(config_.timeout_ms) + " (" + f.errstr +
                                  "); is this a Redis server? " + kUrlHint);
            throw Unreachable(msg + "the connection failed during " + args[0] + " (" + f.errstr +
                              "); is this a Redis server? " + kUrlHint);
        }
        return r;
    };

    if (!config_.password.empty()) {
        std::vector<std::string> auth{"AUTH"};
        if (!config_.username.empty()) auth.push_back(config_.username);
        auth.push_back(config_.password);
        Reply r = step(auth);
        if (r->type == REDIS_REPLY_ERROR) {
            std::string err(r->str, r->len);
            if (err.find("without any password configured") != std::string::npos ||
                err.find("no password is set") != std::string::npos)
                fail(
                    "authentication failed: the server has no password, but one was given; "
                    "remove [storage.redis] password (and any password in the url)");
            fail("authentication failed (" + err + "); " + kPasswordHint);
        }
    }
    // SELECT, or PING for database 0: either way the server has answered a
    // command before open returns (a missing password shows up here).
    std::vector<std::string> probe = {"PING"};
    if (config_.db != 0) probe = {"SELECT", std::to_string(config_.db)};
    Reply r = step(probe);
    if (r->type == REDIS_REPLY_ERROR) {
        std::string err(r->str, r->len);
        if (starts_with(err, "NOAUTH"))
            fail(
                "authentication required (NOAUTH): the server has a password; set "
                "[storage.redis] password or LATCHKEY_REDIS_PASSWORD");
        if (config_.db != 0)
            fail("cannot select database " + std::to_string(config_.db) + " (" + err +
                 "); check the database number in [storage.redis] url");
        fail("PING failed (" + err + "); check the server's logs");
    }
    return c;
}

RedisStorage::Reply RedisStorage::command(const std::vector<std::string>& args) {
    SigpipeBlock sigpipe;
    std::lock_guard g(mu_);
    bool fresh = false;
    if (!ctx_) {
        connect_locked();
        fresh = true;
    }
    Failure f;
    Reply r(send(ctx_, args, f));
    if (!r && !f.timed_out && !fresh) {
        // The connection had dropped (server restart, idle timeout, network):
        // reconnect once. Every command here can safely run twice.
        connect_locked();
        r.reset(send(ctx_, args, f));
    }
    if (!r) {
        disconnect_locked();  // the context is unusable after a failure
        if (f.timed_out)
            fail("no answer to " + args[0] + " within " + duration_text(config_.timeout_ms) + " (" +
                 f.errstr +
                 "); is the server overloaded or the network slow? check the server, or raise "
                 "[storage.redis] timeout");
        fail("lost the connection during " + args[0] + " (" + f.errstr +
             "); is the server restarting? check its logs and " + kUrlHint);
    }
    if (r->type == REDIS_REPLY_ERROR) {
        std::string err(r->str, r->len);
        if (starts_with(err, "WRONGTYPE")) return r;  // the caller decides (a corrupt entry)
        if (starts_with(err, "NOAUTH"))
            fail(
                "authentication required (NOAUTH): the server has a password; set "
                "[storage.redis] password or LATCHKEY_REDIS_PASSWORD");
        if (starts_with(err, "WRONGPASS"))
            fail("authentication failed (WRONGPASS); " + std::string(kPasswordHint));
        if (starts_with(err, "NOPERM"))
            fail("the server's user may not run " + args[0] + " (" + err +
                 "); grant it GET SET DEL SCAN EVAL PING on keys " + config_.key_prefix + "*");
        if (starts_with(err, "LOADING"))
            fail("the server is still loading its data (" + err + "); try again in a moment");
        if (starts_with(err, "READONLY"))
            fail("the server is a read-only replica (" + err +
                 "); point [storage.redis] url at the primary");
        if (starts_with(err, "OOM"))
            fail("the server is out of memory (" + err + "); raise its maxmemory or free space");
        if (starts_with(err, "MISCONF"))
            fail("the server refuses writes (" + err + "); check the server's logs");
        fail(args[0] + " failed (" + err + "); check the server's logs");
    }
    return r;
}

// ---- the Storage interface -------------------------------------------------------

std::optional<detail::CredentialData> RedisStorage::load(const std::string& key) {
    const std::string k = config_.key_prefix + key;
    std::string problem;
    {
        // Read when this process took the lock on `key`, a moment ago.
        std::lock_guard g(held_mu_);
        if (auto it = held_.find(key); it != held_.end()) {
            std::optional<std::string> value = std::move(it->second);
            held_.erase(it);
            if (!value) return std::nullopt;
            if (auto c = from_json(*value, problem)) return c;
            if (warn_)
                warn_("redis storage at " + config_.shown_url() + ": ignoring stored credential " +
                      k + ": " + problem + "; a new one will be fetched");
            return std::nullopt;
        }
    }
    Reply r = command({"GET", k});
    if (r->type == REDIS_REPLY_NIL) return std::nullopt;
    if (r->type == REDIS_REPLY_STRING) {
        auto c = from_json(std::string(r->str, r->len), problem);
        if (c) return c;
    } else if (r->type == REDIS_REPLY_ERROR) {
        problem = "not a string value (" + std::string(r->str, r->len) + ")";
    } else {
        problem = "unexpected answer to GET";
    }
    if (warn_)
        warn_("redis storage at " + config_.shown_url() + ": ignoring stored credential " + k +
              ": " + problem + "; a new one will be fetched");
    return std::nullopt;
}

void RedisStorage::forget_held(const std::string& key) {
    std::lock_guard g(held_mu_);
    held_.erase(key);
}

void RedisStorage::save(const std::string& key, const detail::CredentialData& c) {
    forget_held(key);
    const std::string k = config_.key_prefix + key;
    if (c.expires_at_ms == 0) {
        command({"SET", k, to_json(c)});
        return;
    }
    int64_t left = c.expires_at_ms - util::now_ms();
    if (left <= 0) {
        // Already expired: what Redis would do with it a moment later.
        command({"DEL", k});
        return;
    }
    command({"SET", k, to_json(c), "PX", std::to_string(left)});
}

void RedisStorage::erase(const std::string& key) {
    forget_held(key);
    command({"DEL", config_.key_prefix + key});
}

std::vector<std::string> RedisStorage::keys() {
    const std::string& prefix = config_.key_prefix;
    std::set<std::string> found;  // SCAN may return a key more than once
    std::string cursor = "0";
    do {
        Reply r = command({"SCAN", cursor, "MATCH", glob_escape(prefix) + "*", "COUNT", "500"});
        if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
            r->element[0]->type != REDIS_REPLY_STRING || r->element[1]->type != REDIS_REPLY_ARRAY)
            fail("unexpected answer to SCAN; is this a Redis server? " + std::string(kUrlHint));
        cursor.assign(r->element[0]->str, r->element[0]->len);
        const redisReply* list = r->element[1];
        for (size_t i = 0; i < list->elements; ++i) {
            if (list->element[i]->type != REDIS_REPLY_STRING) continue;
            std::string k(list->element[i]->str, list->element[i]->len);
            if (k.size() <= prefix.size() || ends_with(k, ":lock")) continue;
            found.insert(k.substr(prefix.size()));
        }
    } while (cursor != "0");
    return {found.begin(), found.end()};
}

std::string RedisStorage::check() {
    Reply r = command({"PING"});
    if (r->type != REDIS_REPLY_STATUS || std::string(r->str, r->len) != "PONG")
        fail("unexpected answer to PING; is this a Redis server? " + std::string(kUrlHint));
    size_t n = keys().size();
    return "redis: " + config_.shown_url() + " reachable (PING), " + std::to_string(n) +
           (n == 1 ? " credential" : " credentials");
}

namespace {

// Wakes a waiter the moment the lock is released: a second connection
// SUBSCRIBEd to the lock's channel, where the unlock script publishes. A
// waiter then tries again at once instead of at its next poll, so lock
// hand-overs happen at network speed. Best effort: without it (it could not
// connect, the connection broke) waiting is plain polling every 5 ms, which
// is also what notices a crashed holder's lock expiring.
class ReleaseWatch {
 public:
    ReleaseWatch(redisContext* c, const std::string& channel) : c_(c) {
        if (!c_) return;
        SigpipeBlock sigpipe;
        const char* argv[] = {"SUBSCRIBE", channel.c_str()};
        size_t lens[] = {9, channel.size()};
        void* r = redisCommandArgv(c_, 2, argv, lens);
        if (!r) {
            drop();
            return;
        }
        bool ok = static_cast<redisReply*>(r)->type == REDIS_REPLY_ARRAY;
        freeReplyObject(r);
        if (!ok) drop();
    }
    ~ReleaseWatch() { drop(); }
    ReleaseWatch(const ReleaseWatch&) = delete;
    ReleaseWatch& operator=(const ReleaseWatch&) = delete;

    // Returns on a release message, or after `timeout`.
    void wait(std::chrono::milliseconds timeout) {
        if (!c_) {
            std::this_thread::sleep_for(timeout);
            return;
        }
        if (drain()) return;  // already here
        pollfd p{c_->fd, POLLIN, 0};
        int n = poll(&p, 1, static_cast<int>(timeout.count()));
        if (n == 0) return;
        if (n < 0) {
            if (errno != EINTR) drop();
            return;
        }
        if (redisBufferRead(c_) != REDIS_OK) return drop();
        drain();
    }

 private:
    // Consumes every buffered message; true when there was one.
    bool drain() {
        bool any = false;
        for (;;) {
            void* r = nullptr;
            if (redisGetReplyFromReader(c_, &r) != REDIS_OK) {
                drop();
                return any;
            }
            if (!r) return any;
            freeReplyObject(r);
            any = true;
        }
    }
    void drop() {
        if (c_) redisFree(c_);
        c_ = nullptr;
    }

    redisContext* c_;
};

}  // namespace

// ---- the lock --------------------------------------------------------------------

class RedisLock : public Lock {
 public:
    RedisLock(RedisStorage& s, std::string key, std::string token)
        : s_(s), key_(std::move(key)), token_(std::move(token)) {}
    ~RedisLock() override { s_.release(key_, token_); }

 private:
    RedisStorage& s_;
    std::string key_;  // the storage key
    std::string token_;
};

std::unique_ptr<Lock> RedisStorage::lock(const std::string& key) {
    const std::string vk = config_.key_prefix + key;
    const std::string lk = vk + ":lock";
    unsigned char rnd[16];
    if (!crypto::random_bytes(rnd, sizeof rnd))
        fail("cannot make a lock token (no randomness available)");
    const std::string token = hex(rnd, sizeof rnd);
    const std::string ttl = std::to_string(config_.lock_ttl_ms);
    // A lock expires lock_ttl after it was taken, so one owner can be seen
    // holding it for lock_ttl at most; past that (plus a margin for clocks
    // and round trips) something is wrong. Each new owner restarts the clock:
    // a waiter behind several legitimate holders keeps waiting.
    const auto patience = std::chrono::milliseconds(config_.lock_ttl_ms +
                                                    std::max<int64_t>(config_.timeout_ms, 1'000));
    std::string owner;
    auto owner_since = Clock::now();
    std::unique_ptr<ReleaseWatch> watch;
    for (;;) {
        Reply r = command({"EVAL", kAcquireScript, "2", lk, vk, token, ttl});
        if (r->type != REDIS_REPLY_ARRAY || r->elements < 1 ||
            r->element[0]->type != REDIS_REPLY_INTEGER)
            fail("unexpected answer to the lock script; is this a Redis server? " +
                 std::string(kUrlHint));
        std::optional<std::string> second;
        if (r->elements > 1 && r->element[1]->type == REDIS_REPLY_STRING)
            second.emplace(r->element[1]->str, r->element[1]->len);
        if (r->element[0]->integer == 1) {
            std::lock_guard g(held_mu_);
            if (r->elements > 1)
                held_[key] = second;  // the value, for the load() that follows
            else
                held_.erase(key);
            return std::make_unique<RedisLock>(*this, key, token);
        }
        std::string now_owner = second.value_or("");
        // Our attempt went through but its answer was lost with a dropped
        // connection, and this one is the retry.
        if (now_owner == token) return std::make_unique<RedisLock>(*this, key, token);
        if (!watch) {
            // Subscribed, try again at once: a release that came between the
            // failed attempt and the SUBSCRIBE is not waited for.
            redisContext* c = nullptr;
            try {
                c = open_context().release();
            } catch (const Error&) {  // polling only
            }
            watch = std::make_unique<ReleaseWatch>(c, lk);
            continue;
        }
        auto now = Clock::now();
        if (now_owner != owner) {
            owner = now_owner;
            owner_since = now;
        } else if (!owner.empty() && now - owner_since > patience) {
            fail("the lock " + lk + " has been held by one owner for over " +
                 duration_text(config_.lock_ttl_ms) +
                 " without expiring; does another latchkey use a longer [storage.redis] "
                 "lock_ttl, or was the key set by hand? check `redis-cli PTTL " +
                 lk + "`");
        }
        watch->wait(kLockPoll);
    }
}

void RedisStorage::release(const std::string& key, const std::string& token) {
    forget_held(key);
    const std::string lock_key = config_.key_prefix + key + ":lock";
    try {
        Reply r = command({"EVAL", kUnlockScript, "1", lock_key, token});
        if (r->type == REDIS_REPLY_INTEGER && r->integer == 0 && warn_)
            warn_("redis storage at " + config_.shown_url() + ": the lock " + lock_key +
                  " had expired before it was released (the fetch took longer than lock_ttl = " +
                  duration_text(config_.lock_ttl_ms) +
                  "); others may have fetched too; raise [storage.redis] lock_ttl");
    } catch (const std::exception& e) {
        if (warn_)
            warn_(std::string(e.what()) + " (while releasing the lock " + lock_key +
                  "; it expires by itself within " + duration_text(config_.lock_ttl_ms) + ")");
    }
}

}  // namespace latchkey::storage

LATCHKEY_MODULE(storage_redis) {
    static const latchkey::storage::StorageModule table{
        {},
        [](const std::string&, const latchkey::storage::OpenRequest& request,
           latchkey::module::Fault& fault) noexcept {
            return latchkey::module::contain(fault, [&] {
                return latchkey::storage::to_port(latchkey::storage::open_redis_storage(request));
            });
        }};
    return &table;
}
