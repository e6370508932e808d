// Helpers shared by the unit tests: an isolated environment (HOME and the XDG
// directories in a temporary directory, no LATCHKEY_* variable inherited from
// whoever runs the tests), a cwd guard, error capture, a log capture and
// "file:line:column" computed from the text a test wrote.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "host_impl.hpp"
#include "latchkey/error.hpp"
#include "latchkey/host.hpp"
#include "temp_dir.hpp"

extern char** environ;

namespace lkt {

using latchkey::test::read_file;
using latchkey::test::TempDir;

inline const std::string kPluginRoot = LATCHKEY_TEST_PLUGIN_DIR;
inline std::string plugin_case(const std::string& c) { return kPluginRoot + "/" + c; }
inline const std::string kGoodDir = kPluginRoot + "/good";
inline const std::string kCounterSo = kGoodDir + "/test-counter.so";

// Sets and unsets environment variables; puts every one back on destruction.
class EnvGuard {
 public:
    EnvGuard() = default;
    EnvGuard(const EnvGuard&) = delete;
    EnvGuard& operator=(const EnvGuard&) = delete;
    ~EnvGuard() {
        for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
            if (it->second)
                ::setenv(it->first.c_str(), it->second->c_str(), 1);
            else
                ::unsetenv(it->first.c_str());
        }
    }
    void set(const std::string& name, const std::string& value) {
        save(name);
        ::setenv(name.c_str(), value.c_str(), 1);
    }
    void unset(const std::string& name) {
        save(name);
        ::unsetenv(name.c_str());
    }

 private:
    void save(const std::string& name) {
        for (auto& s : saved_)
            if (s.first == name) return;
        const char* v = std::getenv(name.c_str());
        saved_.emplace_back(name, v ? std::optional<std::string>(v) : std::nullopt);
    }
    std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

// chdir for the life of the object.
class CwdGuard {
 public:
    explicit CwdGuard(const std::string& dir) : old_(std::filesystem::current_path()) {
        std::filesystem::current_path(dir);
    }
    ~CwdGuard() {
        std::error_code ec;
        std::filesystem::current_path(old_, ec);
    }

 private:
    std::filesystem::path old_;
};

// Every test that touches the process environment derives from this: HOME,
// XDG_CONFIG_HOME and XDG_STATE_HOME point into a private temporary
// directory, and no LATCHKEY_* (or *_DELAY_MS style prefix) variable of the
// caller's shell leaks in.
class Isolated : public ::testing::Test {
 protected:
    void SetUp() override {
        std::vector<std::string> names;
        for (char** e = environ; e && *e; ++e) {
            std::string kv(*e);
            std::string name = kv.substr(0, kv.find('='));
            if (name.rfind("LATCHKEY_", 0) == 0 || name.rfind("TC_", 0) == 0 ||
                name.rfind("PL_", 0) == 0)
                names.push_back(name);
        }
        for (auto& n : names) env.unset(n);
        env.set("HOME", home.path());
        env.set("XDG_CONFIG_HOME", home.file("config"));
        env.set("XDG_STATE_HOME", home.file("state"));
    }

    TempDir home;  // HOME, XDG dirs
    TempDir dir;   // the test's own files
    EnvGuard env;
};

// Runs `fn`, which must throw latchkey::Error, and returns the error.
template <class Fn>
latchkey::Error catch_error(Fn&& fn) {
    try {
        fn();
    } catch (const latchkey::Error& e) {
        return e;
    } catch (const std::exception& e) {
        ADD_FAILURE() << "expected latchkey::Error, got std::exception: " << e.what();
        return latchkey::Error(latchkey::ErrorKind::internal, "<wrong exception type>");
    }
    ADD_FAILURE() << "expected latchkey::Error, nothing was thrown";
    return latchkey::Error(latchkey::ErrorKind::internal, "<nothing thrown>");
}

// "path:line:column" (1-based) of the first occurrence of `needle` in `text`.
inline std::string where(const std::string& path, const std::string& text,
                         const std::string& needle) {
    size_t at = text.find(needle);
    if (at == std::string::npos) {
        ADD_FAILURE() << "needle '" << needle << "' not in the policy text";
        return path + ":?:?";
    }
    size_t line = 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + at, '\n'));
    size_t bol = text.rfind('\n', at);
    size_t col = at - (bol == std::string::npos ? 0 : bol + 1) + 1;
    return path + ":" + std::to_string(line) + ":" + std::to_string(col);
}

// The position of the value in the line `key_and_value` ("delay_ms = 3"):
// the first character after "= ".
inline std::string where_value(const std::string& path, const std::string& text,
                               const std::string& key_and_value) {
    std::string w = where(path, text, key_and_value);
    size_t eq = key_and_value.find("= ");
    size_t colon = w.rfind(':');
    size_t col = std::stoul(w.substr(colon + 1)) + eq + 2;
    return w.substr(0, colon + 1) + std::to_string(col);
}

// Collects what the host logs (already redacted).
class LogCapture {
 public:
    std::function<void(latchkey::LogLevel, const std::string&)> sink() {
        return [this](latchkey::LogLevel l, const std::string& m) {
            std::lock_guard lock(mu_);
            lines_.emplace_back(l, m);
        };
    }
    std::vector<std::pair<latchkey::LogLevel, std::string>> lines() const {
        std::lock_guard lock(mu_);
        return lines_;
    }
    bool contains(const std::string& s) const {
        std::lock_guard lock(mu_);
        for (auto& [l, m] : lines_)
            if (m.find(s) != std::string::npos) return true;
        return false;
    }
    size_t count(const std::string& s) const {
        std::lock_guard lock(mu_);
        size_t n = 0;
        for (auto& [l, m] : lines_)
            if (m.find(s) != std::string::npos) ++n;
        return n;
    }
    std::string all() const {
        std::lock_guard lock(mu_);
        std::string out;
        for (auto& [l, m] : lines_)
            out.append("[").append(std::to_string(static_cast<int>(l))).append("] ").append(m) +=
                '\n';
        return out;
    }

 private:
    mutable std::mutex mu_;
    std::vector<std::pair<latchkey::LogLevel, std::string>> lines_;
};

// The counter file of the test-counter provider: calls so far (0 when absent).
inline int counter(const std::string& path) {
    std::string t = read_file(path);
    if (t.empty()) return 0;
    return std::stoi(t);
}

// Polls `cond` every 10 ms for at most `ms`; true as soon as it holds.
inline bool wait_for(const std::function<bool()>& cond, int ms = 5000) {
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < until) {
        if (cond()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return cond();
}

// Runs `call(i)` for i in 0..n-1 on n threads released together, and returns
// what each call returned once every thread has ended.
template <class Fn>
auto on_threads_together(int n, Fn call) {
    std::latch start(n);
    std::vector<decltype(call(0))> got(static_cast<size_t>(n));
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i)
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            got[static_cast<size_t>(i)] = call(i);
        });
    for (auto& t : threads) t.join();
    return got;
}

inline int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Sleeps until the wall clock reaches `unix_ms` (plus a margin).
inline void sleep_until_ms(int64_t unix_ms, int64_t margin_ms = 50) {
    int64_t d = unix_ms + margin_ms - wall_ms();
    if (d > 0) std::this_thread::sleep_for(std::chrono::milliseconds(d));
}

// An environment made of a map, for pure resolver tests.
inline latchkey::policy::Environment fake_env(
    std::map<std::string, std::string> vars,
    std::vector<std::pair<std::string, std::string>> sets = {}) {
    latchkey::policy::Environment env;
    env.getenv = [vars = std::move(vars)](const std::string& n) -> std::optional<std::string> {
        auto it = vars.find(n);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
    env.sets = std::move(sets);
    return env;
}

// A hand-written schema like an OAuth provider's.
inline std::vector<latchkey::policy::OptionSpec> oauth_schema() {
    return {
        {"token_url", LATCHKEY_OPT_STRING, true, false, true, std::nullopt, "token endpoint"},
        {"client_id", LATCHKEY_OPT_STRING, true, false, true, std::nullopt, "client"},
        {"client_secret", LATCHKEY_OPT_STRING, false, true, false, std::nullopt, "secret"},
        {"scopes", LATCHKEY_OPT_LIST, false, false, true, std::nullopt, "scopes"},
        {"retries", LATCHKEY_OPT_INT, false, false, false, std::string("3"), "retries"},
        {"verify", LATCHKEY_OPT_BOOL, false, false, false, std::string("true"), "verify TLS"},
    };
}

// A host on one site `t` served by test-counter from memory storage; `lines`
// go into [sites.t], and every acquire/refresh is counted in dir/count.
class CounterSite : public Isolated {
 protected:
    latchkey::Host open(const std::string& lines) {
        count_ = dir.file("count");
        std::string text =
            "[storage]\nbackend = \"memory\"\n[sites.t]\nprovider = \"test-counter\"\n"
            "counter_file = \"" +
            count_ + "\"\n" + lines;
        latchkey::HostOptions o;
        o.config_path = dir.write("policy.toml", text);
        o.plugin_dirs = {kGoodDir};
        o.log_level = latchkey::LogLevel::info;
        o.log_sink = log.sink();
        return latchkey::Host::open(o);
    }
    int calls() const { return counter(count_); }

    LogCapture log;
    std::string count_;
};

// A HostImpl on `config`, searching the good test plugin directory first.
inline std::shared_ptr<latchkey::HostImpl> open_host(
    const std::string& config, LogCapture* log = nullptr, std::vector<std::string> sets = {},
    latchkey::LogLevel level = latchkey::LogLevel::info,
    std::vector<std::string> plugin_dirs = {kGoodDir}) {
    latchkey::HostOptions o;
    o.config_path = config;
    o.sets = std::move(sets);
    o.plugin_dirs = std::move(plugin_dirs);
    o.storage = "memory";
    o.log_level = level;
    if (log)
        o.log_sink = log->sink();
    else
        o.log_sink = [](latchkey::LogLevel, const std::string&) {};
    return std::make_shared<latchkey::HostImpl>(std::move(o));
}

}  // namespace lkt
