// token::Slot on its own, with fetch functions the test controls: single
// flight, the refresh-ahead window, waiting once expired, retries with
// backoff, shared failure verdicts, invalidate and publish.
#include "token/slot.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <future>
#include <limits>

#include "token/refresh_plan.hpp"
#include "unit_support.hpp"

namespace {

using latchkey::Credential;
using latchkey::Error;
using latchkey::ErrorKind;
using latchkey::detail::CredentialData;
using latchkey::token::DataPtr;
using latchkey::token::RetryPolicy;
using latchkey::token::Slot;
using latchkey::token::TransientError;
using namespace lkt;

// A credential valid for `life_ms`, whose refresh window opens after
// `window_after_ms` (negative: already open).
DataPtr make(const std::string& token, int64_t life_ms = 3'600'000, int64_t window_after_ms = -1) {
    auto c = std::make_shared<CredentialData>();
    c->token = token;
    c->obtained_at_ms = wall_ms();
    c->expires_at_ms = c->obtained_at_ms + life_ms;
    c->refresh_at_ms =
        window_after_ms < 0 ? c->obtained_at_ms - 1 : c->obtained_at_ms + window_after_ms;
    return c;
}

DataPtr fresh(const std::string& token) { return make(token, 3'600'000, 3'000'000); }

// Blocks fetches until released; counts who came in.
class Gate {
 public:
    void pass() {
        std::unique_lock l(mu_);
        ++entered_;
        cv_.notify_all();
        cv_.wait(l, [&] { return open_; });
    }
    bool wait_entered(int n, int ms = 5000) {
        std::unique_lock l(mu_);
        return cv_.wait_for(l, std::chrono::milliseconds(ms), [&] { return entered_ >= n; });
    }
    void open() {
        std::lock_guard l(mu_);
        open_ = true;
        cv_.notify_all();
    }

 private:
    std::mutex mu_;
    std::condition_variable cv_;
    int entered_ = 0;
    bool open_ = false;
};

using Fetch = std::function<DataPtr(const DataPtr&)>;
using Log = std::function<void(latchkey::LogLevel, const std::string&)>;

// The slot's source, from functions the test writes: no provider expiry
// hook, nothing in storage.
class FunctionSource : public latchkey::token::CredentialSource {
 public:
    FunctionSource(Fetch fetch, Log log) : fetch_(std::move(fetch)), log_(std::move(log)) {}
    DataPtr fetch(const DataPtr& current) override { return fetch_(current); }
    DataPtr load() override { return nullptr; }
    bool has_storage() const override { return false; }
    bool judges_expiry() const override { return false; }
    bool stale(const CredentialData&, int64_t) override { return false; }
    void log(latchkey::LogLevel level, const std::string& message) override {
        log_(level, message);
    }

 private:
    Fetch fetch_;
    Log log_;
};

// A slot together with its source (declared first, so it is made first).
class TestSlot : private FunctionSource, public Slot {
 public:
    TestSlot(std::string site, Fetch fetch, Log log, RetryPolicy retry = {})
        : FunctionSource(std::move(fetch), std::move(log)),
          Slot(std::move(site), static_cast<FunctionSource&>(*this), retry) {}
};

// A slot with a retry policy.
std::unique_ptr<TestSlot> make_slot(Fetch fetch, Log log, RetryPolicy retry) {
    return std::make_unique<TestSlot>("s", std::move(fetch), std::move(log), retry);
}

Log quiet() {
    return [](latchkey::LogLevel, const std::string&) {};
}

TEST(Slot, SixtyFourThreadsAskingForAnAbsentCredentialCauseOneFetch) {
    std::atomic<int> calls{0};
    TestSlot slot(
        "s",
        [&](const DataPtr&) {
            int n = ++calls;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            return fresh("tok-" + std::to_string(n));
        },
        quiet());
    auto got = on_threads_together(64, [&](int) { return slot.get().token(); });
    EXPECT_EQ(calls.load(), 1);
    for (auto& g : got) EXPECT_EQ(g, "tok-1");
}

TEST(Slot, OutsideTheWindowNoFetch) {
    std::atomic<int> calls{0};
    TestSlot slot(
        "s", [&](const DataPtr&) { return fresh("tok-" + std::to_string(++calls)); }, quiet());
    for (int i = 0; i < 1000; ++i) ASSERT_EQ(slot.get().token(), "tok-1");
    EXPECT_EQ(calls.load(), 1);
}

TEST(Slot, InsideTheWindowOneRefreshesWhileOthersKeepTheValidCredential) {
    std::atomic<int> calls{0};
    Gate gate;
    DataPtr seen_current;
    TestSlot slot(
        "s",
        [&](const DataPtr& cur) {
            ++calls;
            seen_current = cur;
            gate.pass();
            return fresh("tok-2");
        },
        quiet());
    slot.publish(make("tok-1", 60'000, -1));  // valid for a minute, window already open

    std::string refresher_got;
    std::thread refresher([&] { refresher_got = slot.get().token(); });
    ASSERT_TRUE(gate.wait_entered(1));
    // The refresh is held inside fetch: every other caller still gets the
    // current credential, at once (these calls return while it is held).
    for (int i = 0; i < 5; ++i) EXPECT_EQ(slot.get().token(), "tok-1");
    std::vector<std::string> others(8);
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) threads.emplace_back([&, i] { others[i] = slot.get().token(); });
    for (auto& t : threads) t.join();
    for (auto& o : others) EXPECT_EQ(o, "tok-1");
    EXPECT_EQ(calls.load(), 1);

    gate.open();
    refresher.join();
    EXPECT_EQ(refresher_got, "tok-2");
    ASSERT_TRUE(seen_current);
    EXPECT_EQ(seen_current->token, "tok-1");  // refresh sees what it renews
    EXPECT_EQ(slot.get().token(), "tok-2");
    EXPECT_EQ(calls.load(), 1);
}

TEST(Slot, OnceExpiredCallersWaitForOneFetch) {
    std::atomic<int> calls{0};
    Gate gate;
    TestSlot slot(
        "s",
        [&](const DataPtr&) {
            ++calls;
            gate.pass();
            return fresh("tok-2");
        },
        quiet());
    auto old = make("tok-1", 60'000, -1);
    auto expired = std::make_shared<CredentialData>(*old);
    expired->expires_at_ms = wall_ms() - 1;
    slot.publish(expired);

    std::atomic<int> done{0};
    std::vector<std::string> got(9);
    std::vector<std::thread> threads;
    threads.emplace_back([&] {
        got[0] = slot.get().token();
        ++done;
    });
    ASSERT_TRUE(gate.wait_entered(1));
    for (int i = 1; i < 9; ++i)
        threads.emplace_back([&, i] {
            got[i] = slot.get().token();
            ++done;
        });
    // Nobody is handed the expired credential: they all wait.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_EQ(done.load(), 0);
    gate.open();
    for (auto& t : threads) t.join();
    for (auto& g : got) EXPECT_EQ(g, "tok-2");
    EXPECT_EQ(calls.load(), 1);
}

TEST(Slot, TransientFailuresAreRetriedWithBackoff) {
    std::atomic<int> calls{0};
    LogCapture log;
    auto slot_p = make_slot(
        [&](const DataPtr&) {
            int n = ++calls;
            if (n <= 2) throw TransientError("server busy " + std::to_string(n), 0);
            return fresh("tok-" + std::to_string(n));
        },
        log.sink(), RetryPolicy{4, 10, 100});
    Slot& slot = *slot_p;
    EXPECT_EQ(slot.get().token(), "tok-3");
    EXPECT_EQ(calls.load(), 3);
    EXPECT_EQ(log.count("; retrying in "), 2u) << log.all();
    EXPECT_TRUE(log.contains("server busy 1; retrying in ")) << log.all();
}

TEST(Slot, TransientFailuresBeyondTheBudgetGiveATransientError) {
    std::atomic<int> calls{0};
    auto slot_p = make_slot(
        [&](const DataPtr&) -> DataPtr {
            throw TransientError("server busy " + std::to_string(++calls), 0);
        },
        quiet(), RetryPolicy{3, 5, 50});
    Slot& slot = *slot_p;
    auto e = catch_error([&] { slot.get(); });
    EXPECT_EQ(e.kind(), ErrorKind::transient);
    EXPECT_EQ(std::string(e.what()), "server busy 3");
    EXPECT_EQ(calls.load(), 3);
}

TEST(Slot, RetryAfterIsHonouredUpToTheCap) {
    std::atomic<int> calls{0};
    auto slot_p = make_slot(
        [&](const DataPtr&) {
            if (++calls == 1) throw TransientError("slow down", 150);
            return fresh("tok-2");
        },
        quiet(), RetryPolicy{4, 1, 1000});
    Slot& slot = *slot_p;
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(slot.get().token(), "tok-2");
    EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(150));
    EXPECT_EQ(calls.load(), 2);

    // Asked to wait longer than our cap: give up at once rather than hang.
    std::atomic<int> calls2{0};
    auto impatient_p = make_slot(
        [&](const DataPtr&) -> DataPtr {
            ++calls2;
            throw TransientError("come back in a minute", 60'000);
        },
        quiet(), RetryPolicy{4, 1, 1000});
    Slot& impatient = *impatient_p;
    auto e = catch_error([&] { impatient.get(); });
    EXPECT_EQ(e.kind(), ErrorKind::transient);
    EXPECT_EQ(calls2.load(), 1);
}

TEST(Slot, NonTransientErrorsAreNotRetried) {
    for (auto kind : {ErrorKind::rejected, ErrorKind::config, ErrorKind::login_required}) {
        std::atomic<int> calls{0};
        auto slot_p = make_slot(
            [&](const DataPtr&) -> DataPtr {
                ++calls;
                throw Error(kind, "no");
            },
            quiet(), RetryPolicy{4, 1, 10});
        Slot& slot = *slot_p;
        auto e = catch_error([&] { slot.get(); });
        EXPECT_EQ(e.kind(), kind);
        EXPECT_EQ(calls.load(), 1);
    }
}

TEST(Slot, WaitersShareTheVerdictOfAFailedFetch) {
    std::atomic<int> calls{0};
    Gate gate;
    TestSlot slot(
        "s",
        [&](const DataPtr&) -> DataPtr {
            ++calls;
            gate.pass();
            throw Error(ErrorKind::rejected, "bad secret");
        },
        quiet());
    std::vector<std::string> errors(9);
    std::vector<std::thread> threads;
    auto call = [&](int i) {
        try {
            slot.get();
            errors[i] = "no error";
        } catch (const Error& e) {
            errors[i] = std::string(latchkey::to_string(e.kind())) + ": " + e.what();
        }
    };
    threads.emplace_back(call, 0);
    ASSERT_TRUE(gate.wait_entered(1));
    std::atomic<int> started{0};
    for (int i = 1; i < 9; ++i)
        threads.emplace_back([&, i] {
            ++started;
            call(i);
        });
    ASSERT_TRUE(wait_for([&] { return started.load() == 8; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let them queue up on the flight
    gate.open();
    for (auto& t : threads) t.join();
    for (auto& e : errors)
        EXPECT_EQ(e, std::string(latchkey::to_string(ErrorKind::rejected)) + ": bad secret");
    EXPECT_EQ(calls.load(), 1);
    // A later call tries again.
    catch_error([&] { slot.get(); });
    EXPECT_EQ(calls.load(), 2);
}

TEST(Slot, AFailingRefreshKeepsServingTheValidCredential) {
    std::atomic<int> calls{0};
    LogCapture log;
    auto slot_p = make_slot(
        [&](const DataPtr&) -> DataPtr {
            ++calls;
            throw Error(ErrorKind::internal, "refresh endpoint broken");
        },
        log.sink(), RetryPolicy{4, 5'000, 10'000});
    Slot& slot = *slot_p;
    slot.publish(make("tok-1", 60'000, -1));
    EXPECT_EQ(slot.get().token(), "tok-1");
    EXPECT_EQ(calls.load(), 1);
    EXPECT_TRUE(
        log.contains("refresh failed, still serving the current credential until it expires: "
                     "refresh endpoint broken"))
        << log.all();
    // Backing off: the next calls do not hammer the server.
    for (int i = 0; i < 20; ++i) EXPECT_EQ(slot.get().token(), "tok-1");
    EXPECT_EQ(calls.load(), 1);
}

// A refresh in the window that hangs until the credential has expired and
// then fails must not hand out the expired credential: the caller falls into
// the expired path and fetches (here: the second fetch succeeds).
TEST(Slot, ARefreshThatHangsPastExpiryNeverServesTheExpiredCredential) {
    std::atomic<int> calls{0};
    auto held = make("tok-1", 400, -1);  // window open, expires in 400 ms
    auto slot_p = make_slot(
        [&](const DataPtr&) -> DataPtr {
            if (++calls == 1) {
                sleep_until_ms(held->expires_at_ms, 30);              // hangs past expiry...
                throw TransientError("token endpoint timed out", 0);  // ...then fails
            }
            return fresh("tok-2");
        },
        quiet(), RetryPolicy{4, 1, 10});
    Slot& slot = *slot_p;
    slot.publish(held);
    const Credential& got = slot.get();
    EXPECT_GT(got.expires_at_ms(), wall_ms()) << "served a credential that had expired";
    EXPECT_EQ(got.token(), "tok-2");
    EXPECT_EQ(calls.load(), 2);
}

// The same when every fetch fails: the caller gets the error, not the
// expired credential.
TEST(Slot, ARefreshThatFailsPastExpiryRaisesInsteadOfServingTheExpiredCredential) {
    std::atomic<int> calls{0};
    auto held = make("tok-1", 400, -1);
    auto slot_p = make_slot(
        [&](const DataPtr&) -> DataPtr {
            if (++calls == 1) sleep_until_ms(held->expires_at_ms, 30);
            throw Error(ErrorKind::internal, "token endpoint broken");
        },
        quiet(), RetryPolicy{4, 1, 10});
    Slot& slot = *slot_p;
    slot.publish(held);
    std::string served;
    auto e = catch_error([&] { served = slot.get().token(); });
    EXPECT_EQ(served, "") << "an expired credential was served";
    EXPECT_EQ(std::string(e.what()), "token endpoint broken");
    EXPECT_EQ(calls.load(), 2);
}

TEST(Slot, InvalidateMakesTheNextCallFetch) {
    std::atomic<int> calls{0};
    TestSlot slot(
        "s", [&](const DataPtr&) { return fresh("tok-" + std::to_string(++calls)); }, quiet());
    EXPECT_EQ(slot.get().token(), "tok-1");
    EXPECT_EQ(slot.get().token(), "tok-1");
    slot.invalidate();
    EXPECT_EQ(slot.peek(), nullptr);
    EXPECT_EQ(slot.get().token(), "tok-2");
    EXPECT_EQ(calls.load(), 2);
}

TEST(Slot, PublishReachesEveryThreadsCache) {
    std::atomic<int> calls{0};
    TestSlot slot(
        "s", [&](const DataPtr&) { return fresh("tok-" + std::to_string(++calls)); }, quiet());
    EXPECT_EQ(slot.get().token(), "tok-1");
    std::string other;
    std::thread([&] { other = slot.get().token(); }).join();
    EXPECT_EQ(other, "tok-1");
    slot.publish(fresh("published"));
    EXPECT_EQ(slot.get().token(), "published");
    std::thread([&] { other = slot.get().token(); }).join();
    EXPECT_EQ(other, "published");
    EXPECT_EQ(calls.load(), 1);
}

// The refresh-window path re-reads the current credential after taking the
// flight; an invalidate() in between leaves it empty. Run in a child process
// so that a crash is reported rather than taking the test binary down.
TEST(Slot, InvalidateDuringTheRefreshWindowIsSafe) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        // No backoff: every call in the window tries to refresh.
        auto slot_p =
            make_slot([](const DataPtr&) -> DataPtr { throw Error(ErrorKind::internal, "down"); },
                      quiet(), RetryPolicy{4, 0, 0});
        Slot& slot = *slot_p;
        slot.publish(make("tok-1", 600'000, -1));
        std::atomic<bool> stop{false};
        std::thread churn([&] {
            while (!stop) {
                slot.invalidate();
                slot.publish(make("tok-1", 600'000, -1));
            }
        });
        auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        int bad = 0;
        while (std::chrono::steady_clock::now() < until) {
            try {
                if (slot.get().token() != "tok-1") ++bad;
            } catch (const Error&) {
                // "down" when the credential was absent at that moment: fine
            }
        }
        stop = true;
        churn.join();
        _exit(bad == 0 ? 0 : 3);
    }
    int status = 0;
    bool reaped = wait_for([&] { return waitpid(pid, &status, WNOHANG) == pid; }, 30'000);
    if (!reaped) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        FAIL() << "the stress child did not finish in time";
    }
    ASSERT_FALSE(WIFSIGNALED(status)) << "Slot::get crashed with signal " << WTERMSIG(status)
                                      << " when invalidate() ran during the refresh window";
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "a caller got something other than the published token";
}

}  // namespace

namespace {

// A source whose provider judges expiry itself: every read must ask it.
class JudgingSource : public latchkey::token::CredentialSource {
 public:
    DataPtr fetch(const DataPtr&) override { return fresh("judged"); }
    DataPtr load() override { return nullptr; }
    bool has_storage() const override { return false; }
    bool judges_expiry() const override { return true; }
    bool stale(const CredentialData&, int64_t) override { return false; }
    void log(latchkey::LogLevel, const std::string&) override {}
};

}  // namespace

// cached() is what the agent's I/O thread reads: the credential get() would
// hand out as it is, or null whenever get() would have to fetch or wait.
TEST(Slot, CachedServesTheHeldCredentialWithoutFetching) {
    std::atomic<int> calls{0};
    TestSlot slot(
        "s", [&](const DataPtr&) { return fresh("tok-" + std::to_string(++calls)); }, quiet());
    EXPECT_EQ(slot.cached(), nullptr) << "nothing held yet: a fetch is needed";
    EXPECT_EQ(calls.load(), 0) << "cached() must never fetch";
    ASSERT_EQ(slot.get().token(), "tok-1");
    const Credential* c = slot.cached();
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->token(), "tok-1");
    // From another thread (no thread-local copy there yet): the same answer.
    std::string other;
    std::thread([&] {
        const Credential* o = slot.cached();
        other = o ? o->token() : "(null)";
    }).join();
    EXPECT_EQ(other, "tok-1");
    EXPECT_EQ(calls.load(), 1);
}

TEST(Slot, CachedIsNullInsideTheRefreshWindowSoTheRefreshStillHappens) {
    std::atomic<int> calls{0};
    TestSlot slot(
        "s", [&](const DataPtr&) { return calls++ == 0 ? make("old") : fresh("new"); }, quiet());
    slot.publish(make("old"));  // valid for an hour, but its window is open
    EXPECT_EQ(slot.cached(), nullptr);
    EXPECT_EQ(calls.load(), 0);
    EXPECT_EQ(slot.get().token(), "old");  // get() refreshes (and gets "old" again)
    slot.publish(make("expired", -1000));
    EXPECT_EQ(slot.cached(), nullptr) << "an expired credential is never served";
}

TEST(Slot, CachedHonoursTheMinimumValidity) {
    TestSlot slot(
        "s", [](const DataPtr&) { return fresh("f"); }, quiet());
    slot.publish(make("ten-minutes", 600'000, 500'000));
    ASSERT_NE(slot.cached(), nullptr);
    EXPECT_NE(slot.cached(300'000), nullptr) << "lasts 10 minutes, 5 asked";
    EXPECT_EQ(slot.cached(1'200'000), nullptr) << "lasts 10 minutes, 20 asked: a fetch is due";
    auto forever = std::make_shared<CredentialData>();
    forever->token = "forever";
    forever->refresh_at_ms = std::numeric_limits<int64_t>::max();
    slot.publish(forever);
    ASSERT_NE(slot.cached(86'400'000), nullptr) << "a credential that never expires qualifies";
}

TEST(Slot, CachedNeverWaitsForAFetchInProgress) {
    Gate gate;
    TestSlot slot(
        "s",
        [&](const DataPtr&) {
            gate.pass();
            return fresh("slow");
        },
        quiet());
    slot.publish(make("held", 3'600'000, -1));  // window open: the next get() refreshes
    std::thread refresher([&] { slot.get(); });
    ASSERT_TRUE(gate.wait_entered(1));
    // The refresh holds the flight; cached() must answer while it does
    // (get() would wait here for the refresh it cannot join).
    auto answer = std::async(std::launch::async, [&] { return slot.cached() != nullptr; });
    bool answered = answer.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
    gate.open();
    ASSERT_TRUE(answered) << "cached() waited for the refresh in progress";
    EXPECT_FALSE(answer.get()) << "inside the window the refresh decides, not cached()";
    refresher.join();
    ASSERT_NE(slot.cached(), nullptr);
    EXPECT_EQ(slot.cached()->token(), "slow");
}

TEST(Slot, CachedIsNullWhenTheProviderJudgesExpiry) {
    JudgingSource source;
    Slot slot("s", source);
    EXPECT_EQ(slot.get().token(), "judged");
    EXPECT_EQ(slot.cached(), nullptr) << "only the provider may say it is still good";
}
