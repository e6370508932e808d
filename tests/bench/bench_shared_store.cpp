// bench_shared_store: fleet-wide single flight through the shared backends.
//
// N processes (default 16) of `latchkey --config P token` are started at
// once, all asking for the same credential of an oauth2-client-credentials
// site that none of them has yet, against the development authorization
// server (started here on 127.0.0.1, its token endpoint slowed by a `delay`
// fault so the processes overlap). The credential is shared through the file
// backend and through the redis backend (a redis-server started here on
// 127.0.0.1 with a free port and no persistence). Each round uses a fresh
// store (a new directory, a new key prefix), so the credential is absent.
//
// Figures, per backend:
//   issued      tokens the dev server issued per round: single flight means 1
//   time-to-token for the waiters: each process's exit time minus the
//               earliest exit time (the process that fetched and saved exits
//               first, right after its save), median and max over every
//               waiter of every round. Target for redis: within 50 ms.
//   start spread  first spawn to last spawn, to show the processes overlapped
//
// It exits non-zero only when something does not work (a process fails, the
// tokens differ, the server issues more than one token per round); it
// asserts no speed. Run: build/tests/bench/bench_shared_store [--rounds N]
// (tools/bench runs it too).
#include <arpa/inet.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench_args.hpp"
#include "devserver.hpp"
#include "process.hpp"
#include "temp_dir.hpp"

namespace {

using latchkey::bench::c_strings;
using latchkey::test::Child;
using latchkey::test::DevServer;
using latchkey::test::TempDir;
using SteadyClock = std::chrono::steady_clock;

struct Options {
    int processes = 16;
    int rounds = 5;
    int delay_ms = 500;
    std::vector<std::string> backends{"file", "redis"};
    std::string json_path;
    std::string trace_path;  // redis: every round's commands (time, client, command, key)
    bool monitor = true;     // redis: MONITOR for the server-side figure (costs some CPU)
};

[[noreturn]] void usage(int code) {
    std::fprintf(
        code ? stderr : stdout,
        "usage: bench_shared_store [--processes N] [--rounds N] [--delay-ms MS]\n"
        "                          [--backend file|redis|both] [--json FILE] [--trace FILE]\n"
        "                          [--no-monitor]\n");
    std::exit(code);
}

Options parse(int argc, char** argv) {
    Options o;
    latchkey::bench::parse_args(argc, argv, usage, [&](const std::string& a, auto value) {
        if (a == "--processes")
            o.processes = std::stoi(value());
        else if (a == "--rounds")
            o.rounds = std::stoi(value());
        else if (a == "--delay-ms")
            o.delay_ms = std::stoi(value());
        else if (a == "--backend") {
            std::string b = value();
            if (b == "both")
                o.backends = {"file", "redis"};
            else if (b == "file" || b == "redis")
                o.backends = {b};
            else
                return false;
        } else if (a == "--json")
            o.json_path = value();
        else if (a == "--trace")
            o.trace_path = value();
        else if (a == "--no-monitor")
            o.monitor = false;
        else
            return false;
        return true;
    });
    if (o.processes < 2 || o.processes > 256 || o.rounds < 1 || o.delay_ms < 0) usage(2);
    return o;
}

double ms_since(SteadyClock::time_point t0, SteadyClock::time_point t) {
    return std::chrono::duration<double, std::milli>(t - t0).count();
}

std::string find_redis_server() {
    for (const char* p :
         {"/usr/bin/redis-server", "/usr/sbin/redis-server", "/usr/local/bin/redis-server"})
        if (access(p, X_OK) == 0) return p;
    throw std::runtime_error("redis-server is not installed (run tools/setup)");
}

int free_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        throw std::runtime_error("cannot find a free port on 127.0.0.1");
    close(fd);
    return ntohs(a.sin_port);
}

// redis-server on 127.0.0.1, no persistence, killed on destruction.
class Redis {
 public:
    explicit Redis(const std::string& dir) : port_(free_port()) {
        child_ = std::make_unique<Child>(std::vector<std::string>{
            find_redis_server(), "--port", std::to_string(port_), "--bind", "127.0.0.1", "--save",
            "", "--appendonly", "no", "--dir", dir, "--loglevel", "warning"});
        auto until = SteadyClock::now() + std::chrono::seconds(10);
        while (SteadyClock::now() < until) {
            redisContext* c = redisConnect("127.0.0.1", port_);
            if (c && !c->err) {
                auto* r = static_cast<redisReply*>(redisCommand(c, "PING"));
                bool ok = r && r->type == REDIS_REPLY_STATUS;
                if (r) freeReplyObject(r);
                redisFree(c);
                if (ok) return;
            } else if (c) {
                redisFree(c);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        throw std::runtime_error("redis-server did not answer PING within 10 s");
    }
    std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_) + "/0"; }
    int port() const { return port_; }

 private:
    int port_;
    std::unique_ptr<Child> child_;
};

// One MONITOR connection for one round: every command the server runs, with
// the server's timestamp and the client it came from. Used only to time the
// waiters' reads against the holder's save (the lines carry token values:
// nothing of them is printed).
class Monitor {
 public:
    struct Line {
        double ts = 0;  // seconds, server clock
        std::string client, cmd, key;
    };

    explicit Monitor(int port) : port_(port) {
        c_ = redisConnect("127.0.0.1", port);
        if (!c_ || c_->err) throw std::runtime_error("cannot connect to redis for MONITOR");
        auto* r = static_cast<redisReply*>(redisCommand(c_, "MONITOR"));
        if (!r) throw std::runtime_error("MONITOR failed");
        freeReplyObject(r);
        thread_ = std::thread([this] {
            for (;;) {
                void* reply = nullptr;
                if (redisGetReply(c_, &reply) != REDIS_OK || !reply) return;
                auto* r = static_cast<redisReply*>(reply);
                std::string text = r->str ? std::string(r->str, r->len) : "";
                freeReplyObject(r);
                Line l = parse(text);
                if (l.cmd == "ECHO" && l.key == marker_) return;
                lines_.push_back(std::move(l));
            }
        });
    }
    ~Monitor() {
        if (thread_.joinable()) stop();
        if (c_) redisFree(c_);
    }
    // Every line seen until now.
    std::vector<Line> stop() {
        redisContext* c = redisConnect("127.0.0.1", port_);
        if (c && !c->err) {
            auto* r = static_cast<redisReply*>(redisCommand(c, "ECHO %s", marker_.c_str()));
            if (r) freeReplyObject(r);
        }
        if (c) redisFree(c);
        thread_.join();
        return lines_;
    }

 private:
    // 1700000000.123456 [0 127.0.0.1:54321] "SET" "key" ...
    static Line parse(const std::string& text) {
        Line l;
        l.ts = std::strtod(text.c_str(), nullptr);
        auto open = text.find('['), close = text.find(']');
        if (open == std::string::npos || close == std::string::npos) return l;
        std::string inside = text.substr(open + 1, close - open - 1);
        l.client = inside.substr(inside.find(' ') + 1);
        std::vector<std::string> args;
        for (size_t at = close; args.size() < 2;) {
            auto q = text.find('"', at + 1);
            if (q == std::string::npos) break;
            std::string arg;
            size_t i = q + 1;
            for (; i < text.size() && text[i] != '"'; ++i) {
                if (text[i] == '\\' && i + 1 < text.size()) ++i;
                arg += text[i];
            }
            args.push_back(arg);
            at = i;
        }
        if (args.size() > 0) l.cmd = args[0];
        if (args.size() > 1) l.key = args[1];
        std::transform(l.cmd.begin(), l.cmd.end(), l.cmd.begin(), ::toupper);
        return l;
    }

    int port_;
    redisContext* c_ = nullptr;
    std::string marker_ = "bench-shared-store-round-end";
    std::thread thread_;
    std::vector<Line> lines_;
};

// From one round's MONITOR lines: the holder's save (the first SET of a
// value key under `prefix`), then, for every other client that read that key
// after it, the delay to its first such read: a waiter reading the new value
// once it holds the lock (inside the lock script, which reads it as it takes
// the lock). Only clients that were already connected at the
// save count as waiters; the others (processes so slow to start that they
// came after the save) are counted in `late`. Milliseconds, server clock.
struct Reads {
    std::vector<double> waiters_ms;
    int late = 0;
};

Reads save_to_read(const std::vector<Monitor::Line>& lines, const std::string& prefix) {
    Reads out;
    const Monitor::Line* save = nullptr;
    for (auto& l : lines)
        if (l.cmd == "SET" && l.key.rfind(prefix, 0) == 0 &&
            (l.key.size() < 5 || l.key.compare(l.key.size() - 5, 5, ":lock") != 0)) {
            save = &l;
            break;
        }
    if (!save) return out;
    std::map<std::string, double> arrived, first_read;
    std::string script_client;  // a script's commands show as client "lua"
    for (auto& l : lines) {
        if (l.client != "lua" && l.cmd == "EVAL") script_client = l.client;
        const std::string& client = l.client == "lua" ? script_client : l.client;
        arrived.emplace(client, l.ts);
        if (l.cmd == "GET" && l.key == save->key && client != save->client && l.ts >= save->ts)
            first_read.emplace(client, l.ts);
    }
    for (auto& [client, ts] : first_read) {
        if (arrived[client] < save->ts)
            out.waiters_ms.push_back((ts - save->ts) * 1000.0);
        else
            ++out.late;
    }
    return out;
}

struct Proc {
    pid_t pid = -1;
    int out_fd = -1;
    int status = 0;
    SteadyClock::time_point started, ended;
    std::string out, err_path;
};

// Starts every process in one new process group (so that only they are
// reaped here), then reaps each as it exits and notes when.
void run_all(std::vector<Proc>& procs, std::vector<std::string> argv,
             std::vector<std::string> env) {
    auto cargv = c_strings(argv);
    auto cenv = c_strings(env);
    pid_t group = 0;
    for (auto& p : procs) {
        int out[2];
        if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, out[1], 1);
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 2, p.err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0600);
        posix_spawnattr_t attr;
        posix_spawnattr_init(&attr);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
        posix_spawnattr_setpgroup(&attr, group);
        p.started = SteadyClock::now();
        int rc = posix_spawn(&p.pid, cargv[0], &fa, &attr, cargv.data(), cenv.data());
        posix_spawnattr_destroy(&attr);
        posix_spawn_file_actions_destroy(&fa);
        close(out[1]);
        if (rc != 0) {
            close(out[0]);
            throw std::runtime_error(std::string("cannot run latchkey: ") + std::strerror(rc));
        }
        p.out_fd = out[0];
        if (group == 0) group = p.pid;
    }
    for (size_t left = procs.size(); left > 0;) {
        int status = 0;
        pid_t pid = waitpid(-group, &status, 0);
        auto now = SteadyClock::now();
        if (pid < 0) {
            if (errno == EINTR) continue;
            throw std::runtime_error(std::string("waitpid failed: ") + std::strerror(errno));
        }
        for (auto& p : procs)
            if (p.pid == pid) {
                p.status = status;
                p.ended = now;
                --left;
            }
    }
    for (auto& p : procs) {
        char buf[4096];
        ssize_t n;
        while ((n = read(p.out_fd, buf, sizeof buf)) > 0) p.out.append(buf, size_t(n));
        close(p.out_fd);
        while (!p.out.empty() && (p.out.back() == '\n' || p.out.back() == '\r')) p.out.pop_back();
    }
}

struct Summary {
    double median = 0, max = 0;
};

Summary summarize(std::vector<double> v) {
    Summary s;
    if (v.empty()) return s;
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    s.max = v.back();
    return s;
}

struct BackendResult {
    std::string backend;
    std::vector<int> issued;         // per round
    std::vector<double> waiters_ms;  // every waiter of every round
    std::vector<double> round_max_ms;
    std::vector<double> spread_ms;        // start spread per round
    std::vector<double> wall_ms;          // the first process's spawn to the last exit, per round
    std::vector<double> save_to_read_ms;  // redis: the holder's save to each waiter's read
    std::vector<int> late;                // redis: processes that came after the save, per round
    std::vector<double> complete_waiters_ms;  // redis: waiters_ms of the rounds with none late
};

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// The dev server and redis-server log every request to standard error (the
// test support's Child forwards theirs to ours): sent to a file while the
// benchmark runs, so that the report stays readable.
class QuietStderr {
 public:
    explicit QuietStderr(const std::string& log_path) {
        saved_ = dup(2);
        int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd >= 0) {
            dup2(fd, 2);
            close(fd);
        }
    }
    ~QuietStderr() {
        dup2(saved_, 2);
        close(saved_);
    }

 private:
    int saved_ = -1;
};

struct Setup {
    const Options& o;
    TempDir& dir;
    DevServer& server;
    Redis* redis;
    std::vector<std::string> env;
    std::ostringstream& problems;
};

// One round: a fresh store, N processes at once; false when something failed.
bool run_round(Setup& s, const std::string& backend, int round, BackendResult& res) {
    const std::string r = std::to_string(round);
    const std::string prefix = "bench-" + r + ":";
    std::string storage = "[storage]\nbackend = \"" + backend + "\"\n";
    if (backend == "file")
        storage += "path = \"" + s.dir.file("store-" + r) + "\"\n";
    else
        storage +=
            "[storage.redis]\nurl = \"" + s.redis->url() + "\"\nkey_prefix = \"" + prefix + "\"\n";
    std::string config = s.dir.write(
        backend + "-" + r + ".toml",
        "default_site = \"bench\"\n\n" + storage +
            "\n[sites.bench]\nprovider = \"oauth2-client-credentials\"\ntoken_url = \"" +
            s.server.token_url() +
            "\"\nclient_id = \"bench\"\nclient_secret = { env = \"LATCHKEY_BENCH_SECRET\" }\n");
    int before = s.server.issued("bench");
    if (s.o.delay_ms > 0) s.server.fault("delay", 1, 0, s.o.delay_ms);

    std::vector<Proc> procs(static_cast<size_t>(s.o.processes));
    for (size_t i = 0; i < procs.size(); ++i)
        procs[i].err_path = s.dir.file("err-" + std::to_string(i));
    std::unique_ptr<Monitor> monitor;
    int late = 0;
    if (backend == "redis" && s.o.monitor) monitor = std::make_unique<Monitor>(s.redis->port());
    run_all(procs, {LATCHKEY_CLI_PATH, "--config", config, "token"}, s.env);
    if (monitor) {
        auto lines = monitor->stop();
        auto reads = save_to_read(lines, prefix);
        for (double d : reads.waiters_ms) res.save_to_read_ms.push_back(d);
        late = reads.late;
        res.late.push_back(reads.late);
        if (!s.o.trace_path.empty()) {
            std::ofstream t(s.o.trace_path, round ? std::ios::app : std::ios::trunc);
            t << "# round " << round << " (ms since the first command, client, command, key)\n";
            for (auto& l : lines)
                t << std::fixed << std::setprecision(3) << (l.ts - lines.front().ts) * 1000.0
                  << "  " << l.client << "  " << l.cmd << " " << l.key << "\n";
        }
    }

    bool ok = true;
    int issued = s.server.issued("bench") - before;
    res.issued.push_back(issued);
    if (issued != 1) {
        s.problems << backend << " round " << round << ": the dev server issued " << issued
                   << " tokens, not 1\n";
        ok = false;
    }
    std::string token;
    auto first_start = procs.front().started, last_start = procs.front().started;
    auto first_end = procs.front().ended, last_end = procs.front().ended;
    for (auto& p : procs) {
        if (!WIFEXITED(p.status) || WEXITSTATUS(p.status) != 0 || p.out.empty()) {
            s.problems << backend << " round " << round << ": a process failed (status " << p.status
                       << "):\n"
                       << slurp(p.err_path);
            ok = false;
        } else if (token.empty()) {
            token = p.out;
        } else if (p.out != token) {
            s.problems << backend << " round " << round << ": tokens differ\n";
            ok = false;
        }
        first_start = std::min(first_start, p.started);
        last_start = std::max(last_start, p.started);
        first_end = std::min(first_end, p.ended);
        last_end = std::max(last_end, p.ended);
    }
    double round_max = 0;
    bool skipped_first = false;
    for (auto& p : procs) {
        if (p.ended == first_end && !skipped_first) {
            skipped_first = true;  // the holder itself
            continue;
        }
        double d = ms_since(first_end, p.ended);
        res.waiters_ms.push_back(d);
        if (backend == "redis" && late == 0) res.complete_waiters_ms.push_back(d);
        round_max = std::max(round_max, d);
    }
    res.round_max_ms.push_back(round_max);
    res.spread_ms.push_back(ms_since(first_start, last_start));
    res.wall_ms.push_back(ms_since(first_start, last_end));
    return ok;
}

void report(const Options& o, const std::vector<BackendResult>& results, bool ok) {
    std::printf(
        "%d processes x %d rounds per backend, token endpoint delayed %d ms, credential absent "
        "at the start of each round; load average %s\n\n",
        o.processes, o.rounds, o.delay_ms, slurp("/proc/loadavg").substr(0, 14).c_str());
    std::printf("%-8s %-13s %-40s %-13s %s\n", "backend", "issued/round",
                "waiter exit - first exit (ms)", "start spread", "round wall");
    std::printf("%-8s %-13s %-40s %-13s %s\n", "", "", "median    max  (max per round)", "max (ms)",
                "median (ms)");
    for (auto& r : results) {
        std::string issued;
        for (int n : r.issued) issued += (issued.empty() ? "" : ",") + std::to_string(n);
        auto w = summarize(r.waiters_ms);
        std::string per_round;
        for (double m : r.round_max_ms) {
            char b[16];
            std::snprintf(b, sizeof b, "%.0f", m);
            per_round += (per_round.empty() ? "" : " ") + std::string(b);
        }
        char cell[160];
        std::snprintf(cell, sizeof cell, "%6.1f %6.1f  (%s)", w.median, w.max, per_round.c_str());
        std::printf("%-8s %-13s %-40s %-13.1f %.1f\n", r.backend.c_str(), issued.c_str(), cell,
                    summarize(r.spread_ms).max, summarize(r.wall_ms).median);
    }
    for (auto& r : results) {
        if (r.backend != "redis") continue;
        auto w = summarize(r.waiters_ms);
        auto c = summarize(r.complete_waiters_ms);
        auto s = summarize(r.save_to_read_ms);
        std::string late;
        int complete = 0;
        for (int n : r.late) {
            late += (late.empty() ? "" : ",") + std::to_string(n);
            complete += n == 0;
        }
        if (r.late.empty()) {  // --no-monitor: arrivals not observed, every round counts
            late = "not observed (--no-monitor)";
            complete = static_cast<int>(r.round_max_ms.size());
        }
        std::printf(
            "\nredis time-to-token for the waiters (target: within 50 ms of the holder's save)\n"
            "  processes that came only after the save, per round: %s\n"
            "  waiter's exit - first exit, every round (%3zu):       median %6.1f ms, max %6.1f "
            "ms\n"
            "  the same, the %d rounds where all were waiting (%3zu): median %6.1f ms, max %6.1f ms"
            "  -> %s\n"
            "  holder's SET -> waiter's GET, waiters only (%3zu):     median %6.1f ms, max %6.1f ms"
            "  (server clock, MONITOR)\n",
            late.c_str(), r.waiters_ms.size(), w.median, w.max, complete,
            r.complete_waiters_ms.size(), c.median, c.max,
            r.complete_waiters_ms.empty() ? "no complete round"
            : c.max <= 50                 ? "met"
                                          : "MISSED",
            r.save_to_read_ms.size(), s.median, s.max);
    }

    if (o.json_path.empty()) return;
    std::ofstream j(o.json_path);
    j << "{\"processes\": " << o.processes << ", \"rounds\": " << o.rounds
      << ", \"delay_ms\": " << o.delay_ms << ", \"backends\": {";
    for (size_t i = 0; i < results.size(); ++i) {
        auto& r = results[i];
        auto w = summarize(r.waiters_ms);
        j << (i ? ", " : "") << "\"" << r.backend << "\": {\"max_issued_per_round\": "
          << *std::max_element(r.issued.begin(), r.issued.end())
          << ", \"waiter_median_ms\": " << w.median << ", \"waiter_max_ms\": " << w.max;
        if (r.backend == "redis") {
            int complete = 0;
            for (int n : r.late) complete += n == 0;
            if (r.late.empty()) complete = static_cast<int>(r.round_max_ms.size());
            auto c = summarize(r.complete_waiters_ms);
            j << ", \"complete_rounds\": " << complete
              << ", \"complete_waiter_median_ms\": " << c.median
              << ", \"complete_waiter_max_ms\": " << c.max
              << ", \"save_to_read_median_ms\": " << summarize(r.save_to_read_ms).median
              << ", \"save_to_read_max_ms\": " << summarize(r.save_to_read_ms).max;
        }
        j << "}";
    }
    j << "}, \"ok\": " << (ok ? "true" : "false") << "}\n";
}

int bench(const Options& o) {
    TempDir dir;
    for (const char* sub : {"home", "config", "state", "redis"})
        std::filesystem::create_directories(dir.file(sub));
    std::ostringstream problems;  // printed once standard error is ours again
    std::vector<BackendResult> results;
    bool ok = true;
    {
        QuietStderr quiet(dir.file("servers.log"));
        DevServer server({"--client", "bench:bench-secret"});
        std::unique_ptr<Redis> redis;
        if (std::count(o.backends.begin(), o.backends.end(), "redis"))
            redis = std::make_unique<Redis>(dir.file("redis"));
        Setup setup{o,
                    dir,
                    server,
                    redis.get(),
                    {"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + dir.file("home"),
                     "XDG_CONFIG_HOME=" + dir.file("config"), "XDG_STATE_HOME=" + dir.file("state"),
                     "LANG=C.UTF-8", "LATCHKEY_BENCH_SECRET=bench-secret"},
                    problems};
        for (auto& backend : o.backends) {
            BackendResult res;
            res.backend = backend;
            for (int round = 0; round < o.rounds; ++round)
                ok = run_round(setup, backend, round, res) && ok;
            results.push_back(std::move(res));
        }
    }
    report(o, results, ok);
    std::cerr << problems.str();
    return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    signal(SIGPIPE, SIG_IGN);
    Options o = parse(argc, argv);
    try {
        return bench(o);
    } catch (const std::exception& e) {
        std::cerr << "bench_shared_store: " << e.what() << "\n";
        return 1;
    }
}
