// bench_token_read: reading a cached credential through the real library.
//
// One Host is opened on a temporary policy with one site served by the
// test-counter provider (memory storage, a one-hour token), warmed with a
// first token() call, and then read over and over:
//
//   BM_LatchkeySiteBorrow  Site::borrow() on a handle from Host::site(): the
//                          credential lent (a const reference, valid until
//                          this thread's next read), the fastest read
//   BM_LatchkeyHostBorrow  Host::borrow("bench"), the same by name
//   BM_LatchkeySiteToken   Site::token(): a Credential of the caller's own
//                          (a thread-private reference count, +1 and -1)
//   BM_LatchkeyHostToken   Host::token("bench"), the by-name call
//   BM_BaselineSharedMutex a std::map<std::string, std::string> guarded by a
//                          std::shared_timed_mutex, read under a shared_lock,
//                          returning a copy of the token (the design of
//                          Azure's C++ TokenCache); it holds the very token
//                          the host returns, so both sides copy the same bytes
//   BM_BaselineSharedMutex_LongToken
//                          the same with a 1 KiB token (JWT-sized), for
//                          information: a copied string costs more when long,
//                          a latchkey::Credential does not
//   BM_CalibrationPrivateWork
//                          thread-private arithmetic that shares nothing: on
//                          an idle machine with two free cores it runs twice
//                          as fast at 2 threads; less means other work was
//                          competing for the CPUs, and every 2-thread figure
//                          of that run understates the library's scaling
//
// each at 1 and 2 threads, in real time. items_per_second is the total
// throughput of all threads, so ratios between runs are throughput ratios;
// the CPU column is CPU time per read, which other processes on the machine
// disturb less. tools/bench derives and checks them; nothing here asserts a
// speed.
//
// Before any benchmark runs, main() starts and joins a thread: glibc lets a
// process that has never created a thread skip the lock prefix on
// shared_ptr reference counts (__libc_single_threaded), which would flatter
// every one-thread figure run before the first two-thread one; an
// application reading tokens from several threads never gets that discount.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <latchkey/host.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

#include "temp_dir.hpp"

namespace {

constexpr std::string_view kSite = "bench";

struct Fixture {
    latchkey::test::TempDir dir;
    std::optional<latchkey::Host> host;
    std::optional<latchkey::Site> site;
    std::string token;  // what the warm-up read returned
};

Fixture* fixture = nullptr;

void set_up() {
    fixture = new Fixture;
    auto& f = *fixture;
    std::string policy = f.dir.write("config.toml",
                                     "default_site = \"bench\"\n"
                                     "\n"
                                     "[storage]\n"
                                     "backend = \"memory\"\n"
                                     "\n"
                                     "[sites.bench]\n"
                                     "provider = \"test-counter\"\n"
                                     "counter_file = \"" +
                                         f.dir.file("counter") +
                                         "\"\n"
                                         "lifetime = \"1h\"\n");
    latchkey::HostOptions o;
    o.config_path = policy;
    o.plugin_dirs = {std::string(LATCHKEY_TEST_PLUGIN_DIR) + "/good"};
    o.storage = "memory";
    f.host.emplace(latchkey::Host::open(o));
    f.site.emplace(f.host->site(kSite));
    // Warm: the first call acquires; every later one is a cache hit.
    f.token = f.kSite.tokens->token().token();
    if (f.token.empty() || f.site->token().token() != f.token ||
        f.site->borrow().token() != f.token || f.host->borrow(kSite).token() != f.token)
        throw std::runtime_error("warm-up did not yield a stable, non-empty token");
}

void tear_down() {
    delete fixture;
    fixture = nullptr;
}

const std::string& text_of(const std::string& s) { return s; }
const std::string& text_of(const latchkey::Credential& c) { return c.token(); }

template <class Read>
void read_loop(benchmark::State& state, Read read) {
    for (auto _ : state) {
        // A copy when `read` returns one, a reference when it lends.
        decltype(auto) value = read();
        const std::string& t = text_of(value);
        benchmark::DoNotOptimize(t.data());
        if (t.empty()) {
            state.SkipWithError("empty token");
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
}

void BM_LatchkeySiteBorrow(benchmark::State& state) {
    const latchkey::Site& site = *fixture->site;
    read_loop(state, [&]() -> const latchkey::Credential& { return site.borrow(); });
}

void BM_LatchkeyHostBorrow(benchmark::State& state) {
    latchkey::Host& host = *fixture->host;
    read_loop(state, [&]() -> const latchkey::Credential& { return host.borrow(kSite); });
}

void BM_LatchkeySiteToken(benchmark::State& state) {
    const latchkey::Site& site = *fixture->site;
    read_loop(state, [&] { return site.token(); });
}

void BM_LatchkeyHostToken(benchmark::State& state) {
    latchkey::Host& host = *fixture->host;
    read_loop(state, [&] { return host.token(kSite); });
}

// The baseline: a reader-writer-locked map, as in Azure's TokenCache.
class SharedMutexCache {
 public:
    void put(std::string site, std::string token) {
        std::unique_lock lock(mu_);
        tokens_[std::move(site)] = std::move(token);
    }
    std::string get(std::string_view site) const {
        std::shared_lock lock(mu_);
        auto it = tokens_.find(site);
        return it == tokens_.end() ? std::string() : it->second;
    }

 private:
    mutable std::shared_timed_mutex mu_;
    std::map<std::string, std::string, std::less<>> tokens_;
};

SharedMutexCache* baseline = nullptr;
SharedMutexCache* baseline_long = nullptr;

void BM_BaselineSharedMutex(benchmark::State& state) {
    const SharedMutexCache& cache = *baseline;
    read_loop(state, [&] { return cache.get(kSite); });
}

void BM_BaselineSharedMutex_LongToken(benchmark::State& state) {
    const SharedMutexCache& cache = *baseline_long;
    read_loop(state, [&] { return cache.get(kSite); });
}

void BM_CalibrationPrivateWork(benchmark::State& state) {
    uint64_t x = uint64_t(state.thread_index()) + 1;
    for (auto _ : state) {
        for (int i = 0; i < 16; ++i) x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        benchmark::DoNotOptimize(x);
    }
    state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_CalibrationPrivateWork)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_LatchkeySiteBorrow)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_LatchkeyHostBorrow)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_LatchkeySiteToken)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_LatchkeyHostToken)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_BaselineSharedMutex)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_BaselineSharedMutex_LongToken)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    try {
        set_up();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_token_read: set-up failed: %s\n", e.what());
        return 1;
    }
    baseline = new SharedMutexCache;
    baseline->put(std::string(kSite), fixture->token);
    baseline->put("other-site", "other-token");
    baseline_long = new SharedMutexCache;
    baseline_long->put(std::string(kSite), std::string(1024, 'x'));
    baseline_long->put("other-site", "other-token");
    // Multi-threaded from here on, as any process that shares a Host is
    // (see the header comment).
    std::thread([] {}).join();
    benchmark::AddCustomContext("latchkey_token_bytes", std::to_string(fixture->token.size()));
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    delete baseline;
    delete baseline_long;
    tear_down();
    return 0;
}
