// Scenario 2: SIGKILL at random points of saves, for the file, keyring and
// redis backends. A child process opens the backend as latchkey does and
// saves credential after credential under one key, saying on its standard
// output when each save begins ("b SEQ") and when it has returned
// ("d SEQ MICROSECONDS"). The parent kills it at a random moment within a
// few save durations, then reads the key back through its own instance of
// the backend and judges what it finds:
//
//   torn  the entry cannot be read (the backend reports it unreadable or
//         throws), or it reads as a mixture of two saves;
//   lost  the entry is missing, or older than the last save that returned
//         before the kill. The save the kill interrupted may or may not have
//         taken effect: finding it, or the one before it, is correct.
//
// Leftover files: after all the kills, every entry of the file store's
// directory other than KEY.json and KEY.lock (for redis: every key under the
// prefix other than the value and its lock).
#include <hiredis/hiredis.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <stdexcept>

#include "latchkey/error.hpp"
#include "scenarios.hpp"
#include "soak_support.hpp"
#include "storage/storage.hpp"
#include "temp_dir.hpp"
#include "util/clock.hpp"

extern char** environ;

namespace soak {
namespace {

using latchkey::detail::CredentialData;

const char* const kKey = "soak.0123456789abcdef";
const char* const kRedisPrefix = "soak:";

latchkey::policy::ResolvedValue text_value(const std::string& text, int64_t ms = -1) {
    latchkey::policy::ResolvedValue v;
    v.set = true;
    v.text = text;
    v.source = "tools/soak";
    if (ms >= 0) {
        v.is_duration = true;
        v.ms = ms;
    }
    return v;
}

// The backend as the host opens it (keyring and redis from their modules).
std::unique_ptr<latchkey::storage::Storage> open_backend(const std::string& backend,
                                                         const std::string& file_dir,
                                                         const std::string& redis_url,
                                                         latchkey::storage::Warn warn) {
    const auto* b = latchkey::storage::find_builtin(backend);
    if (!b) throw std::runtime_error("no built-in storage backend " + backend);
    latchkey::storage::OpenRequest r;
    r.backend = backend;
    r.file_dir = file_dir;
    r.warn = std::move(warn);
    if (backend == "redis")
        r.options = {{"url", text_value(redis_url)},
                     {"key_prefix", text_value(kRedisPrefix)},
                     {"on_unavailable", text_value("fail")},
                     {"lock_ttl", text_value("30", 30'000)},
                     {"timeout", text_value("2", 2'000)}};
    return b->open(r);
}

// Save number `seq`: every field says which save it came from, and the
// token is long enough (4 KiB) that a half-written entry cannot pass.
CredentialData record(long seq) {
    CredentialData c;
    const std::string n = std::to_string(seq);
    c.token = "soak-" + n + "-";
    while (c.token.size() < 4096) c.token += n;
    c.refresh_token = "soak-rt-" + n;
    c.extras["seq"] = n;
    c.obtained_at_ms = latchkey::util::now_ms();
    c.expires_at_ms = c.obtained_at_ms + 3'600'000;
    return c;
}

// The save a loaded entry is, or -1 when its fields disagree.
long seq_of(const CredentialData& c) {
    auto it = c.extras.find("seq");
    if (it == c.extras.end()) return -1;
    long seq = -1;
    try {
        seq = std::stol(it->second);
    } catch (...) {
        return -1;
    }
    const CredentialData expected = record(seq);
    if (c.token != expected.token || c.refresh_token != expected.refresh_token) return -1;
    return seq;
}

struct Child {
    pid_t pid = -1;
    int out = -1;
    std::string buf;
};

Child spawn_child(const std::vector<std::string>& args, const std::string& err_path) {
    std::vector<std::string> argv = args;
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0600);
    Child c;
    const int rc = posix_spawn(&c.pid, cargv[0], &fa, nullptr, cargv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    if (rc != 0) {
        close(p[0]);
        throw std::runtime_error(std::string("cannot start the save child: ") + std::strerror(rc));
    }
    c.out = p[0];
    return c;
}

// Reads what the child wrote until `until_us` (or EOF); false on EOF.
bool read_until(Child& c, int64_t until_us) {
    for (;;) {
        const int64_t left = until_us - now_us();
        if (left <= 0) return true;
        pollfd p{c.out, POLLIN, 0};
        const int n = poll(&p, 1, static_cast<int>(std::max<int64_t>(1, left / 1000)));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) continue;
        char chunk[4096];
        const ssize_t got = read(c.out, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return false;
        c.buf.append(chunk, size_t(got));
    }
}

struct Progress {
    bool ready = false;
    long begun = 0, done = 0;  // the last "b" and "d" seen
    std::vector<int64_t> save_us;
};

Progress parse(const std::string& text) {
    Progress p;
    size_t at = 0;
    while (at < text.size()) {
        const size_t nl = text.find('\n', at);
        if (nl == std::string::npos) break;  // a line cut by the kill
        const std::string line = text.substr(at, nl - at);
        at = nl + 1;
        long seq = 0;
        long long us = 0;
        if (line == "ready")
            p.ready = true;
        else if (std::sscanf(line.c_str(), "b %ld", &seq) == 1)
            p.begun = seq;
        else if (std::sscanf(line.c_str(), "d %ld %lld", &seq, &us) == 2) {
            p.done = seq;
            p.save_us.push_back(us);
        }
    }
    return p;
}

std::vector<std::string> leftover_files(const std::string& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    for (auto& e : std::filesystem::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        if (name != std::string(kKey) + ".json" && name != std::string(kKey) + ".lock")
            out.push_back(name);
    }
    return out;
}

std::vector<std::string> leftover_redis_keys(const std::string& url) {
    // url is redis://127.0.0.1:PORT/0
    const int port = std::stoi(url.substr(url.rfind(':') + 1));
    std::vector<std::string> out;
    redisContext* c = redisConnect("127.0.0.1", port);
    if (!c || c->err) {
        if (c) redisFree(c);
        throw std::runtime_error("cannot connect to the soak's redis-server");
    }
    auto* r = static_cast<redisReply*>(redisCommand(c, "KEYS %s*", kRedisPrefix));
    if (r && r->type == REDIS_REPLY_ARRAY)
        for (size_t i = 0; i < r->elements; ++i) {
            const std::string k(r->element[i]->str, r->element[i]->len);
            if (k.find(kKey) == std::string::npos) out.push_back(k);
        }
    if (r) freeReplyObject(r);
    redisFree(c);
    return out;
}

}  // namespace

int save_child(int argc, char** argv) {
    // save-child BACKEND FILE_DIR REDIS_URL BASE
    if (argc != 6) {
        std::fprintf(stderr, "usage: latchkey_soak save-child BACKEND FILE_DIR REDIS_URL BASE\n");
        return 2;
    }
    const std::string backend = argv[2], file_dir = argv[3], redis_url = argv[4];
    const long base = std::stol(argv[5]);
    auto store = open_backend(backend, file_dir, redis_url,
                              [](const std::string& m) { std::fprintf(stderr, "warn: %s\n", m.c_str()); });
    auto say = [](const std::string& line) {
        // One write per line: the parent reads whole lines up to the kill.
        const std::string l = line + "\n";
        if (write(1, l.data(), l.size()) < 0) std::exit(1);
    };
    say("ready");
    // Bounded: the parent kills it within a second; this is the backstop.
    for (long seq = base + 1; seq <= base + 100'000; ++seq) {
        const CredentialData c = record(seq);
        say("b " + std::to_string(seq));
        const int64_t t0 = now_us();
        store->save(kKey, c);
        say("d " + std::to_string(seq) + " " + std::to_string(now_us() - t0));
    }
    return 0;
}

bool run_kill(const KillOptions& o) {
    if (o.backend == "keyring" && !o.private_bus)
        throw std::runtime_error(
            "the keyring scenario runs only inside tools/soak's private D-Bus session "
            "(--private-bus), never against your own keyring");
    latchkey::test::TempDir dir;
    const std::string store_dir = dir.file("store");
    std::unique_ptr<RedisServer> redis;
    if (o.backend == "redis") {
        std::filesystem::create_directories(dir.file("redis"));
        redis = std::make_unique<RedisServer>(dir.file("redis"));
    }
    const std::string redis_url = redis ? redis->url() : "-";
    std::vector<std::string> warnings;
    auto store = open_backend(o.backend, store_dir, redis_url,
                              [&](const std::string& m) { warnings.push_back(m); });

    long torn = 0, lost = 0, in_save = 0, kills = 0, interrupted_landed = 0, saves_done = 0;
    long committed = 0;  // the newest save known to be in the store
    double mean_save_us = 20'000;
    std::string example;
    for (int trial = 1; trial <= o.saves && !stop_requested(); ++trial) {
        const long base = long(trial) * 1'000'000;
        Child c = spawn_child({"/proc/self/exe", "save-child", o.backend, store_dir, redis_url,
                               std::to_string(base)},
                              dir.file("child.log"));
        // Wait (bounded) for "ready", then kill within ~3 save durations.
        const int64_t ready_by = now_us() + 20'000'000;
        while (!parse(c.buf).ready && now_us() < ready_by && read_until(c, now_us() + 50'000)) {
        }
        if (!parse(c.buf).ready) {
            kill(c.pid, SIGKILL);
            waitpid(c.pid, nullptr, 0);
            close(c.out);
            throw std::runtime_error("the save child did not start (see its log: " +
                                     dir.file("child.log") + ")");
        }
        std::uniform_int_distribution<int64_t> when(0, static_cast<int64_t>(3 * mean_save_us));
        read_until(c, now_us() + when(rng()));
        kill(c.pid, SIGKILL);
        while (read_until(c, now_us() + 1'000'000)) {
        }
        waitpid(c.pid, nullptr, 0);
        close(c.out);
        ++kills;

        const Progress p = parse(c.buf);
        saves_done += p.done ? p.done - base : 0;
        for (int64_t us : p.save_us) mean_save_us = 0.9 * mean_save_us + 0.1 * double(us);
        if (p.begun > p.done) ++in_save;
        const long expected_min = p.done ? p.done : committed;
        const long interrupted = p.begun > p.done ? p.begun : 0;

        warnings.clear();
        std::optional<CredentialData> got;
        std::string problem;
        try {
            got = store->load(kKey);
        } catch (const std::exception& e) {
            problem = std::string("load failed: ") + e.what();
        }
        if (problem.empty() && !warnings.empty()) problem = "unreadable: " + warnings.front();
        if (!problem.empty()) {
            ++torn;
        } else if (!got) {
            if (expected_min > 0) {
                ++lost;
                problem = "missing after save " + std::to_string(expected_min);
            }
        } else {
            const long seq = seq_of(*got);
            if (seq < 0) {
                ++torn;
                problem = "an entry mixing two saves";
            } else if (seq < expected_min) {
                ++lost;
                problem = "save " + std::to_string(seq) + " found after save " +
                          std::to_string(expected_min) + " had returned";
            } else if (seq != expected_min && seq != interrupted) {
                ++torn;
                problem = "save " + std::to_string(seq) + " was never begun";
            } else {
                if (seq == interrupted) ++interrupted_landed;
                committed = seq;
            }
        }
        if (!problem.empty() && example.empty())
            example = "kill " + std::to_string(trial) + ": " + problem;
    }

    const std::string scenario = "SIGKILL during saves, " + o.backend + " backend";
    row(scenario, "kills (each at a random point of a stream of saves)",
        std::to_string(kills) + " (" + std::to_string(in_save) +
            " inside a save, between its start and its return; " + std::to_string(saves_done) +
            " saves completed in all; mean save " + fixed(mean_save_us / 1000.0, 2) + " ms)",
        std::to_string(o.saves));
    row(scenario, "torn credentials (unreadable or mixed)", std::to_string(torn), "0");
    row(scenario, "lost credentials (missing, or older than the last completed save)",
        std::to_string(lost), "0");
    row(scenario, "interrupted saves found in the store afterwards",
        std::to_string(interrupted_landed) + " of " + std::to_string(in_save), "(info)");
    std::vector<std::string> left;
    if (o.backend == "file") left = leftover_files(store_dir);
    if (o.backend == "redis") left = leftover_redis_keys(redis_url);
    if (o.backend != "keyring") {
        std::string names;
        for (size_t i = 0; i < left.size() && i < 2; ++i) names += (i ? ", " : " (e.g. ") + left[i];
        if (!names.empty()) names += ")";
        row(scenario,
            o.backend == "file" ? "leftover files in the store's directory"
                                : "leftover keys under the prefix",
            std::to_string(left.size()) + names, "0");
    }
    if (!example.empty()) std::fprintf(stderr, "soak: %s: first problem: %s\n", scenario.c_str(), example.c_str());
    return torn == 0 && lost == 0 && left.empty() && kills == o.saves;
}

}  // namespace soak
