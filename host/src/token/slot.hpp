// One site's credential, shared by every thread of the process.
//
// Reading is lock-free: each thread keeps its own copy of the current
// credential, tagged with the slot's generation. A read compares one atomic
// generation (a shared, read-only cache line) and a coarse clock with its
// copy, and either lends it (borrow(): no write at all) or copies a
// thread-private shared_ptr (get()): no write to shared memory either way,
// so readers on many cores do not slow each other down.
//
// Inside the refresh window one caller refreshes while the others keep the
// still-valid credential. Once it has expired, callers wait for one
// single-flight fetch. Transient failures are retried with exponential
// backoff and jitter, a bounded number of times; while refresh keeps
// failing, a still-valid credential keeps being served -- checked against
// the clock after every attempt, so one that expired while a refresh hung
// is never handed out.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "credential/credential_data.hpp"
#include "latchkey/credential.hpp"
#include "latchkey/error.hpp"
#include "latchkey/host.hpp"
#include "token/credential_source.hpp"
#include "util/clock.hpp"

namespace latchkey::token {

// This thread's credentials, by slot id: a plain pointer and size in
// initial-exec TLS, so the hot path reads them with one %fs-relative load
// (no __tls_get_addr, no initialisation guard). slot.cpp owns the storage.
struct ThreadCacheEntry {
    uint64_t generation = 0;  // 0 never matches: a slot's generation starts at 1
    int64_t refresh_at_ms = 0;
    Credential credential;  // this thread's own copy
};
struct ThreadCacheView {
    ThreadCacheEntry* entries;
    size_t size;
};
extern constinit thread_local ThreadCacheView thread_cache_view
    __attribute__((tls_model("initial-exec")));

// A failure worth retrying, with the server's advice on how long to wait.
class TransientError : public Error {
 public:
    TransientError(const std::string& message, int64_t retry_after_ms)
        : Error(ErrorKind::transient, message), retry_after_ms_(retry_after_ms) {}
    int64_t retry_after_ms() const { return retry_after_ms_; }

 private:
    int64_t retry_after_ms_;
};

struct RetryPolicy {
    int max_attempts = 4;
    int64_t base_delay_ms = 200;
    int64_t max_delay_ms = 5'000;
};

class Slot {
 public:
    // `source` outlives the slot (it usually owns it).
    Slot(std::string site, CredentialSource& source, RetryPolicy retry = {});
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

    // The hot path: this thread's copy of the current credential, lent
    // until this thread's next read of any slot. Throws latchkey::Error when
    // no valid credential can be had.
    const Credential& borrow() {
        uint64_t gen = generation_.load(std::memory_order_acquire);
        ThreadCacheView cache = thread_cache_view;
        if (id_ < cache.size) {
            const ThreadCacheEntry& e = cache.entries[id_];
            if (e.generation == gen && coarse_now() < e.refresh_at_ms) return e.credential;
        }
        return slow_get();
    }
    // The same, as a copy of its own.
    Credential get() { return borrow(); }

    // Makes `data` current (a credential loaded from storage, or a login).
    void publish(DataPtr data);
    // Forgets the current credential; the next get() fetches.
    void invalidate();
    // The current credential without fetching (may be null or expired).
    DataPtr peek() const;
    // This thread's copy of the current credential when it can be served
    // at once: held, before its refresh time, and valid `min_valid_ms`
    // longer (0: any validity). Null otherwise, when get() would refresh,
    // fetch, prime from storage or wait. Never does any of that itself:
    // takes only the brief state lock, never the flight, and never asks
    // the provider (null when the provider judges expiry). Lent like
    // borrow().
    const Credential* cached(int64_t min_valid_ms = 0);
    // Runs `fn` while holding this slot's single flight.
    template <class Fn>
    auto with_flight(Fn&& fn) {
        std::lock_guard lock(flight_mu_);
        return fn();
    }
    // Holding the single flight, gets a credential with `fetch` (retrying
    // transient failures like any fetch) and makes it current.
    const Credential& fetch_now(const std::function<DataPtr()>& fetch);
    // One valid at least `min_valid_ms` longer: after a read as get() does,
    // the current one when it lasts that long, or when even a fresh one
    // could not (the server grants shorter lives than asked) and it is
    // nearly as fresh (within a tenth of its life), since otherwise every
    // such call would fetch anew. Else, holding the single flight,
    // `fetch(current)` made current (unless another caller's fetch meanwhile
    // already lasts).
    Credential get_valid_for(int64_t min_valid_ms,
                             const std::function<DataPtr(const DataPtr&)>& fetch);

    const std::string& site() const { return site_; }

 private:
    static int64_t coarse_now() { return util::coarse_now_ms(); }

    const Credential& slow_get();
    // Inside the refresh window: the credential to serve, or null when the
    // held one expired while the refresh was tried.
    const Credential* refresh_in_window(const DataPtr& cur, uint64_t gen, bool wait_allowed);
    // Absent or expired: waits for one single-flight fetch (or performs it).
    const Credential& fetch_expired(DataPtr cur);
    void prime_from_storage();
    const Credential& remember(const DataPtr& data, uint64_t generation);
    DataPtr with_retries(const std::function<DataPtr()>& fetch);
    bool usable(const DataPtr& c, int64_t now) const;
    void note_failure(int64_t now);

    const uint64_t id_;
    const std::string site_;
    CredentialSource& source_;
    const bool judges_expiry_;  // asked once: see CredentialSource
    const bool has_storage_;
    RetryPolicy retry_;

    std::atomic<uint64_t> generation_{1};
    mutable std::mutex state_mu_;  // guards the fields below; held only briefly
    DataPtr current_;
    int failures_ = 0;
    int64_t next_attempt_ms_ = 0;
    uint64_t attempts_ = 0;
    std::shared_ptr<Error> last_error_;

    std::mutex flight_mu_;  // held for the whole fetch: single flight
};

}  // namespace latchkey::token
