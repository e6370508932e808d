// bench_cli_token: `latchkey token` as a whole process, with a cached token
// and many unrelated plugins in the plugin directory.
//
// It prepares a private temporary directory holding
//   plugins/   PROVIDER.so (copied from the build's provider dir) and
//              --extras copies of test-extra.so named extra-000.so ...
//   config.toml  one site served by PROVIDER, file storage in state/
// then runs `latchkey --config config.toml --plugin-dir plugins token`
// once to cache the token, checks which plugins the process loads
// (LD_DEBUG=files, and strace when installed), and times --runs runs.
//
// Providers:
//   api-key                    api_key = { env = "LATCHKEY_BENCH_KEY" }
//   oauth2-client-credentials  against the development authorization server,
//                              started here on 127.0.0.1 and stopped at the end
//
// Each run is spawned with a clean environment (HOME and XDG dirs inside the
// temporary directory), its standard output read through a pipe as a shell's
// $(latchkey token) would, and reaped with wait4 for its peak RSS. Wall time
// is from just before the spawn to just after the reap.
//
// This program deliberately links nothing but the C++ runtime: the kernel
// reports a child's peak RSS as at least the parent's at exec time, so the
// parent must stay small; its own peak is printed as "rss floor".
//
// It exits non-zero only when something does not work (a run fails, the
// token changes between runs); it asserts no speed. Output: a readable
// report on stdout and, with --json FILE, the figures as JSON.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_args.hpp"

extern char** environ;

namespace fs = std::filesystem;

namespace {

using latchkey::bench::c_strings;

struct Options {
    int runs = 200;
    int warmup = 10;
    int extras = 100;
    std::string provider = "api-key";
    std::string json_path;
    bool keep = false;
};

[[noreturn]] void usage(int code) {
    std::fprintf(code ? stderr : stdout,
                 "usage: bench_cli_token [--runs N] [--warmup N] [--extras N]\n"
                 "                       [--provider api-key|oauth2-client-credentials]\n"
                 "                       [--json FILE] [--keep]\n");
    std::exit(code);
}

Options parse(int argc, char** argv) {
    Options o;
    latchkey::bench::parse_args(argc, argv, usage, [&](const std::string& a, auto value) {
        if (a == "--runs")
            o.runs = std::stoi(value());
        else if (a == "--warmup")
            o.warmup = std::stoi(value());
        else if (a == "--extras")
            o.extras = std::stoi(value());
        else if (a == "--provider")
            o.provider = value();
        else if (a == "--json")
            o.json_path = value();
        else if (a == "--keep")
            o.keep = true;
        else
            return false;
        return true;
    });
    if (o.runs < 1 || o.warmup < 0 || o.extras < 0 || o.extras > 1000) usage(2);
    if (o.provider != "api-key" && o.provider != "oauth2-client-credentials") usage(2);
    return o;
}

double now_ms() {
    return std::chrono::duration<double, std::milli>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::string read_all(int fd) {
    std::string out;
    char buf[4096];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n > 0)
            out.append(buf, size_t(n));
        else if (n < 0 && errno == EINTR)
            continue;
        else
            break;
    }
    return out;
}

struct RunResult {
    int status = 0;  // raw wait status
    std::string out;
    double wall_ms = 0;
    long maxrss_kb = 0;
    bool ok() const { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }
};

// Spawns argv with env; stdout into a pipe, stderr to `err_path` (or
// /dev/null); returns when the child has been reaped.
RunResult run(std::vector<std::string> argv, std::vector<std::string> env,
              const std::string& err_path = "/dev/null") {
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    auto cargv = c_strings(argv);
    auto cenv = c_strings(env);
    RunResult r;
    pid_t pid;
    double t0 = now_ms();
    int rc = posix_spawn(&pid, cargv[0], &fa, nullptr, cargv.data(), cenv.data());
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    if (rc != 0) {
        close(out[0]);
        throw std::runtime_error("cannot run " + argv[0] + ": " + std::strerror(rc));
    }
    r.out = read_all(out[0]);
    close(out[0]);
    rusage ru{};
    while (wait4(pid, &r.status, 0, &ru) < 0 && errno == EINTR) {
    }
    r.wall_ms = now_ms() - t0;
    r.maxrss_kb = ru.ru_maxrss;
    return r;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void copy_plugin(const fs::path& from, const fs::path& to) {
    fs::copy_file(from, to, fs::copy_options::overwrite_existing);
    fs::permissions(to, fs::perms(0644));  // never group/other-writable, whatever the umask
}

// The development authorization server on 127.0.0.1, stopped on destruction.
class DevServer {
 public:
    explicit DevServer(const std::string& log_path) {
        int out[2];
        if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
        std::vector<std::string> argv{LATCHKEY_DEVSERVER_PATH, "--port", "0", "--client",
                                      "bench:bench-secret"};
        auto cargv = c_strings(argv);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, out[1], 1);
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 2, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0600);
        int rc = posix_spawn(&pid_, cargv[0], &fa, nullptr, cargv.data(), environ);
        posix_spawn_file_actions_destroy(&fa);
        close(out[1]);
        if (rc != 0) {
            close(out[0]);
            throw std::runtime_error(std::string("cannot start the dev server: ") +
                                     std::strerror(rc));
        }
        // First line: "latchkey-devserver listening on http://127.0.0.1:PORT".
        std::string line;
        char c;
        double deadline = now_ms() + 10'000;
        fcntl(out[0], F_SETFL, O_NONBLOCK);
        while (now_ms() < deadline) {
            ssize_t n = read(out[0], &c, 1);
            if (n == 1) {
                if (c == '\n') break;
                line += c;
            } else if (n == 0) {
                break;
            } else {
                usleep(1000);
            }
        }
        close(out[0]);
        const std::string marker = "listening on ";
        auto at = line.find(marker);
        if (at == std::string::npos) {
            stop();
            throw std::runtime_error("the dev server did not start: " + line);
        }
        url_ = line.substr(at + marker.size());
        if (url_.rfind("http://127.0.0.1:", 0) != 0) {
            stop();
            throw std::runtime_error("the dev server is not on 127.0.0.1: " + url_);
        }
    }
    ~DevServer() { stop(); }
    const std::string& url() const { return url_; }

    void stop() {
        if (pid_ <= 0) return;
        kill(pid_, SIGTERM);
        int status;
        for (int i = 0; i < 1000; ++i) {
            if (waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return;
            }
            usleep(10'000);
        }
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        pid_ = -1;
    }

 private:
    pid_t pid_ = -1;
    std::string url_;
};

struct Stats {
    double median = 0, mean = 0, min = 0, max = 0, p10 = 0, p90 = 0;
};

Stats stats_of(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    auto pct = [&](double p) {
        double pos = p * double(v.size() - 1);
        size_t lo = size_t(pos);
        size_t hi = std::min(lo + 1, v.size() - 1);
        return v[lo] + (v[hi] - v[lo]) * (pos - double(lo));
    };
    Stats s;
    s.median = pct(0.5);
    s.p10 = pct(0.1);
    s.p90 = pct(0.9);
    s.min = v.front();
    s.max = v.back();
    double sum = 0;
    for (double x : v) sum += x;
    s.mean = sum / double(v.size());
    return s;
}

// Distinct files under `dir` that the dynamic loader loaded, from an
// LD_DEBUG=files log ("file=PATH [0];  dynamically loaded by ...").
std::set<std::string> dlopened_under(const std::string& log, const std::string& dir) {
    std::set<std::string> hits;
    std::istringstream in(log);
    std::string line;
    while (std::getline(in, line)) {
        auto at = line.find("file=");
        if (at == std::string::npos || line.find("dynamically loaded by") == std::string::npos)
            continue;
        auto end = line.find_first_of(" \t", at);
        std::string path = line.substr(at + 5, end == std::string::npos ? end : end - at - 5);
        if (path.rfind(dir + "/", 0) == 0) hits.insert(path);
    }
    return hits;
}

// Distinct files under `dir` that the process opened successfully, from an
// `strace -e trace=open,openat` log.
std::set<std::string> opened_under(const std::string& log, const std::string& dir) {
    std::set<std::string> hits;
    std::istringstream in(log);
    std::string line;
    while (std::getline(in, line)) {
        if (line.find("open") == std::string::npos) continue;
        auto q = line.find('"');
        if (q == std::string::npos) continue;
        auto q2 = line.find('"', q + 1);
        if (q2 == std::string::npos) continue;
        std::string path = line.substr(q + 1, q2 - q - 1);
        if (path.rfind(dir + "/", 0) != 0) continue;
        auto eq = line.rfind("= ");
        if (eq == std::string::npos || line.compare(eq, 4, "= -1") == 0) continue;
        hits.insert(path);
    }
    return hits;
}

std::string join(const std::set<std::string>& s) {
    std::string out;
    for (auto& x : s) out += (out.empty() ? "" : ", ") + fs::path(x).filename().string();
    return out;
}

std::string json_list(const std::set<std::string>& s) {
    std::string out = "[";
    for (auto& x : s) out += (out.size() > 1 ? ", \"" : "\"") + x + "\"";
    return out + "]";
}

int bench(const Options& o) {
    char tmpl[] = "/tmp/latchkey-bench-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    const fs::path dir = tmpl;  // mode 0700
    struct Cleanup {
        fs::path dir;
        bool keep;
        ~Cleanup() {
            std::error_code ec;
            if (!keep) fs::remove_all(dir, ec);
        }
    } cleanup{dir, o.keep};

    const fs::path plugins = dir / "plugins";
    fs::create_directories(plugins);
    fs::permissions(plugins, fs::perms(0755));
    for (const char* sub : {"home", "config", "state", "store"}) {
        fs::create_directories(dir / sub);
        fs::permissions(dir / sub, fs::perms(0700));
    }
    const fs::path extra = fs::path(LATCHKEY_TEST_PLUGIN_DIR) / "extra" / "test-extra.so";
    for (int i = 0; i < o.extras; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "extra-%03d.so", i);
        copy_plugin(extra, plugins / name);
    }
    const fs::path provider_so = fs::path(LATCHKEY_PROVIDER_DIR) / (o.provider + ".so");
    copy_plugin(provider_so, plugins / provider_so.filename());

    std::optional<DevServer> server;
    std::string site_table;
    std::vector<std::string> env{"PATH=/usr/local/bin:/usr/bin:/bin",
                                 "HOME=" + (dir / "home").string(),
                                 "XDG_CONFIG_HOME=" + (dir / "config").string(),
                                 "XDG_STATE_HOME=" + (dir / "state").string(), "LANG=C.UTF-8"};
    std::string expected;  // the token, when known in advance
    if (o.provider == "api-key") {
        expected = "lk-bench-" + std::string(40, 'k');
        env.push_back("LATCHKEY_BENCH_KEY=" + expected);
        site_table = "provider = \"api-key\"\napi_key = { env = \"LATCHKEY_BENCH_KEY\" }\n";
    } else {
        server.emplace((dir / "devserver.log").string());
        env.push_back("LATCHKEY_BENCH_SECRET=bench-secret");
        site_table =
            "provider = \"oauth2-client-credentials\"\n"
            "token_url = \"" +
            server->url() +
            "/oauth2/token\"\n"
            "client_id = \"bench\"\n"
            "client_secret = { env = \"LATCHKEY_BENCH_SECRET\" }\n";
    }
    const fs::path config = dir / "config.toml";
    {
        std::ofstream f(config);
        f << "default_site = \"bench\"\n\n[storage]\nbackend = \"file\"\npath = \""
          << (dir / "store").string() << "\"\n\n[sites.bench]\n"
          << site_table;
    }
    fs::permissions(config, fs::perms(0600));

    const std::vector<std::string> argv{LATCHKEY_CLI_PATH, "--config",       config.string(),
                                        "--plugin-dir",    plugins.string(), "token"};
    const std::string err_log = (dir / "stderr.txt").string();

    // 1. Cache the token (the only run that may acquire).
    RunResult first = run(argv, env, err_log);
    if (!first.ok()) {
        std::cerr << "bench_cli_token: the first `latchkey token` failed (status " << first.status
                  << "):\n"
                  << slurp(err_log);
        return 1;
    }
    std::string token = first.out;
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
    if (token.empty() || (!expected.empty() && token != expected)) {
        std::cerr << "bench_cli_token: unexpected token from the first run: '" << token << "'\n";
        return 1;
    }
    size_t stored_files = 0;
    for (auto& e : fs::recursive_directory_iterator(dir / "store"))
        if (e.is_regular_file()) ++stored_files;

    // 2. Which plugins does a cached run load?
    auto ld_env = env;
    ld_env.push_back("LD_DEBUG=files");
    const std::string ld_log = (dir / "ld_debug.txt").string();
    RunResult traced = run(argv, ld_env, ld_log);
    if (!traced.ok()) {
        std::cerr << "bench_cli_token: the LD_DEBUG run failed\n";
        return 1;
    }
    std::string ld_text = slurp(ld_log);
    auto loaded = dlopened_under(ld_text, plugins.string());
    size_t extras_loaded = 0;
    for (auto& p : loaded)
        if (fs::path(p).filename().string().rfind("extra-", 0) == 0) ++extras_loaded;
    size_t objects_total = 0;
    {
        std::istringstream in(ld_text);
        std::string line;
        std::set<std::string> all;
        while (std::getline(in, line)) {
            auto at = line.find("file=");
            if (at == std::string::npos) continue;
            auto end = line.find_first_of(" \t", at);
            all.insert(line.substr(at + 5, end == std::string::npos ? end : end - at - 5));
        }
        objects_total = all.size();
    }

    std::optional<std::set<std::string>> opened;
    for (const char* strace : {"/usr/bin/strace", "/bin/strace"}) {
        if (access(strace, X_OK) != 0) continue;
        const std::string st_log = (dir / "strace.txt").string();
        std::vector<std::string> st_argv{strace, "-f",  "-qq", "-e", "trace=open,openat,openat2",
                                         "-o",   st_log};
        st_argv.insert(st_argv.end(), argv.begin(), argv.end());
        RunResult st = run(st_argv, env);
        if (st.ok()) opened = opened_under(slurp(st_log), plugins.string());
        break;
    }

    // 3. The cost of spawning at all, for scale: /bin/true the same way.
    std::vector<double> true_ms;
    for (int i = 0; i < 20; ++i) true_ms.push_back(run({"/bin/true"}, env).wall_ms);
    Stats spawn = stats_of(true_ms);

    // 4. Timed runs.
    for (int i = 0; i < o.warmup; ++i) {
        RunResult r = run(argv, env);
        if (!r.ok()) {
            std::cerr << "bench_cli_token: a warm-up run failed\n";
            return 1;
        }
    }
    std::vector<double> wall;
    std::vector<double> rss_mb;
    for (int i = 0; i < o.runs; ++i) {
        RunResult r = run(argv, env);
        std::string t = r.out;
        while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
        if (!r.ok() || t != token) {
            std::cerr << "bench_cli_token: run " << i << " failed or returned another token"
                      << " (status " << r.status << ")\n";
            return 1;
        }
        wall.push_back(r.wall_ms);
        rss_mb.push_back(double(r.maxrss_kb) / 1024.0);
    }
    if (server) server->stop();

    rusage self{};
    getrusage(RUSAGE_SELF, &self);
    double floor_mb = double(self.ru_maxrss) / 1024.0;
    Stats w = stats_of(wall);
    Stats m = stats_of(rss_mb);

    std::printf(
        "latchkey token, %s site, cached in the file store, %d extra plugins + %s.so in "
        "--plugin-dir\n",
        o.provider.c_str(), o.extras, o.provider.c_str());
    std::printf("  runs: %d (after %d warm-up)\n", o.runs, o.warmup);
    std::printf("  wall ms: median %.3f  p10 %.3f  p90 %.3f  min %.3f  max %.3f  mean %.3f\n",
                w.median, w.p10, w.p90, w.min, w.max, w.mean);
    std::printf("  peak RSS MB: max %.2f  median %.2f  (rss floor, this program: %.2f)\n", m.max,
                m.median, floor_mb);
    std::printf("  spawn /bin/true ms: median %.3f (included in the wall times above)\n",
                spawn.median);
    std::printf("  plugin-dir libraries dlopen()ed (LD_DEBUG=files): %zu [%s], extra-*: %zu\n",
                loaded.size(), join(loaded).c_str(), extras_loaded);
    if (opened)
        std::printf("  plugin-dir files opened (strace): %zu [%s]\n", opened->size(),
                    join(*opened).c_str());
    std::printf("  shared objects in the process (LD_DEBUG=files): %zu\n", objects_total);
    std::printf("  token store files after the first run: %zu\n", stored_files);

    if (!o.json_path.empty()) {
        std::ofstream j(o.json_path);
        j << "{\n"
          << "  \"provider\": \"" << o.provider << "\",\n"
          << "  \"extras\": " << o.extras << ",\n"
          << "  \"runs\": " << o.runs << ",\n"
          << "  \"wall_ms\": {\"median\": " << w.median << ", \"p10\": " << w.p10
          << ", \"p90\": " << w.p90 << ", \"min\": " << w.min << ", \"max\": " << w.max
          << ", \"mean\": " << w.mean << "},\n"
          << "  \"peak_rss_mb\": {\"max\": " << m.max << ", \"median\": " << m.median
          << ", \"floor\": " << floor_mb << "},\n"
          << "  \"spawn_true_ms_median\": " << spawn.median << ",\n"
          << "  \"plugins_dlopened\": " << loaded.size() << ",\n"
          << "  \"plugins_dlopened_files\": " << json_list(loaded) << ",\n"
          << "  \"extras_dlopened\": " << extras_loaded << ",\n"
          << "  \"plugin_files_opened\": "
          << (opened ? std::to_string(opened->size()) : std::string("null")) << ",\n"
          << "  \"shared_objects\": " << objects_total << ",\n"
          << "  \"stored_files\": " << stored_files << "\n"
          << "}\n";
    }
    if (o.keep) std::printf("  kept: %s\n", dir.c_str());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Options o = parse(argc, argv);
    try {
        return bench(o);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_cli_token: %s\n", e.what());
        return 1;
    }
}
