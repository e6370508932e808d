#include "token/slot.hpp"

#include <algorithm>
#include <random>
#include <thread>

#include "token/refresh_plan.hpp"
#include "util/clock.hpp"

namespace latchkey::token {

namespace {

std::atomic<uint64_t> next_slot_id{0};

int64_t jittered(int64_t ms) {
    // Full jitter between half and all of the delay, so a fleet that failed
    // together does not retry together.
    thread_local std::minstd_rand rng(std::random_device{}());
    std::uniform_int_distribution<int64_t> d(ms / 2, std::max<int64_t>(ms / 2, ms));
    return d(rng);
}

int64_t backoff_ms(const RetryPolicy& p, int attempt) {
    int64_t d = p.base_delay_ms << std::min(attempt, 20);
    return std::min(d, p.max_delay_ms);
}

}  // namespace

constinit thread_local ThreadCacheView thread_cache_view
    __attribute__((tls_model("initial-exec"))) = {nullptr, 0};

namespace {

// Owns the entries thread_cache_view points at; destroyed at thread exit.
struct ThreadCache {
    std::vector<ThreadCacheEntry> entries;
    ~ThreadCache() { thread_cache_view = {nullptr, 0}; }

    ThreadCacheEntry& at(uint64_t id) {
        if (entries.size() <= id) {
            entries.resize(id + 1);
            thread_cache_view = {entries.data(), entries.size()};
        }
        return entries[id];
    }
};

thread_local ThreadCache thread_cache;

}  // namespace

Slot::Slot(std::string site, CredentialSource& source, RetryPolicy retry)
    : id_(next_slot_id.fetch_add(1)),
      site_(std::move(site)),
      source_(source),
      judges_expiry_(source.judges_expiry()),
      has_storage_(source.has_storage()),
      retry_(retry) {}

void Slot::prime_from_storage() {
    std::lock_guard flight(flight_mu_);
    {
        std::lock_guard lock(state_mu_);
        if (current_) return;
    }
    DataPtr stored = source_.load();
    if (usable(stored, util::now_ms())) publish(stored);
}

bool Slot::usable(const DataPtr& c, int64_t now) const {
    return c && !c->expired_at(now) && !(judges_expiry_ && source_.stale(*c, now));
}

void Slot::publish(DataPtr data) {
    std::lock_guard lock(state_mu_);
    current_ = std::move(data);
    failures_ = 0;
    next_attempt_ms_ = 0;
    last_error_.reset();
    generation_.fetch_add(1, std::memory_order_release);
}

void Slot::invalidate() {
    std::lock_guard lock(state_mu_);
    current_.reset();
    generation_.fetch_add(1, std::memory_order_release);
}

DataPtr Slot::peek() const {
    std::lock_guard lock(state_mu_);
    return current_;
}

const Credential* Slot::cached(int64_t min_valid_ms) {
    if (judges_expiry_) return nullptr;
    const Credential* held = nullptr;
    uint64_t gen = generation_.load(std::memory_order_acquire);
    ThreadCacheView cache = thread_cache_view;
    if (id_ < cache.size && cache.entries[id_].generation == gen &&
        coarse_now() < cache.entries[id_].refresh_at_ms) {
        held = &cache.entries[id_].credential;
    } else {
        DataPtr cur;
        {
            std::lock_guard lock(state_mu_);
            cur = current_;
            gen = generation_.load(std::memory_order_relaxed);
        }
        int64_t now = util::now_ms();
        if (!usable(cur, now) || now >= cur->refresh_at_ms) return nullptr;
        held = &remember(cur, gen);
    }
    if (min_valid_ms > 0 && held->expires_at_ms() != 0 &&
        held->expires_at_ms() - util::now_ms() < min_valid_ms)
        return nullptr;
    return held;
}

const Credential& Slot::remember(const DataPtr& data, uint64_t generation) {
    ThreadCacheEntry& e = thread_cache.at(id_);
    // A private copy: its reference count is touched by this thread only.
    // With a provider that judges expiry itself, every read must ask it, so
    // the entry is lent once and never matches (generation 0).
    e.generation = judges_expiry_ ? 0 : generation;
    // The hot path serves this copy until refresh_at_ms without looking at
    // the clock again: never let that reach past expiry, whatever the plan.
    e.refresh_at_ms = data->refresh_at_ms;
    if (data->expires_at_ms)
        e.refresh_at_ms = std::min(e.refresh_at_ms, data->expires_at_ms - kCoarseClockSlackMs);
    e.credential = Credential(std::make_shared<const detail::CredentialData>(*data));
    return e.credential;
}

void Slot::note_failure(int64_t now) {
    std::lock_guard lock(state_mu_);
    ++failures_;
    next_attempt_ms_ = now + jittered(backoff_ms(retry_, failures_));
}

const Credential& Slot::slow_get() {
    if (has_storage_ && !peek()) prime_from_storage();
    int64_t now = util::now_ms();
    DataPtr cur;
    uint64_t gen;
    bool wait_allowed;
    {
        std::lock_guard lock(state_mu_);
        cur = current_;
        gen = generation_.load(std::memory_order_relaxed);
        wait_allowed = now >= next_attempt_ms_;
    }
    bool valid = usable(cur, now);
    if (valid && now < cur->refresh_at_ms) return remember(cur, gen);
    if (valid) {
        if (const Credential* held = refresh_in_window(cur, gen, wait_allowed)) return *held;
        // It expired while the refresh was tried: like everyone else now,
        // wait for (or perform) a fetch.
    }
    return fetch_expired(cur);
}

const Credential* Slot::refresh_in_window(const DataPtr& cur, uint64_t gen, bool wait_allowed) {
    // One caller refreshes, the rest keep the valid one. Every credential
    // returned from here is checked against the clock again first: the
    // refresh may have taken until after it expired.
    if (!wait_allowed) return &remember(cur, gen);
    std::unique_lock flight(flight_mu_, std::try_to_lock);
    if (!flight.owns_lock()) return &remember(cur, gen);
    {
        std::lock_guard lock(state_mu_);
        // Someone published (or invalidated) meanwhile. A newer credential
        // is served; after an invalidation the one we hold still is valid.
        if (current_ != cur && usable(current_, util::now_ms()))
            return &remember(current_, generation_.load());
    }
    try {
        DataPtr fresh = source_.fetch(cur);
        publish(fresh);
        return &remember(fresh, generation_.load());
    } catch (const Error& e) {
        int64_t after = util::now_ms();
        note_failure(after);
        if (!usable(cur, after)) {
            source_.log(LogLevel::info,
                        "refresh failed and the current credential expired meanwhile: " +
                            std::string(e.what()));
            return nullptr;
        }
        source_.log(LogLevel::warn,
                    "refresh failed, still serving the current credential until it "
                    "expires: " +
                        std::string(e.what()));
        return &remember(cur, gen);
    }
}

const Credential& Slot::fetch_expired(DataPtr cur) {
    // Absent or expired: everyone waits for one fetch.
    uint64_t attempts_before;
    {
        std::lock_guard lock(state_mu_);
        attempts_before = attempts_;
    }
    std::lock_guard flight(flight_mu_);
    {
        std::lock_guard lock(state_mu_);
        int64_t now = util::now_ms();
        if (current_ != cur && usable(current_, now)) return remember(current_, generation_.load());
        // The fetch we waited for failed: share its verdict instead of
        // hammering the server once per waiting thread.
        if (attempts_ != attempts_before && last_error_) throw *last_error_;
        cur = current_;
    }
    try {
        DataPtr fresh = with_retries([&] { return source_.fetch(cur); });
        publish(fresh);
        {
            std::lock_guard lock(state_mu_);
            ++attempts_;
        }
        return remember(fresh, generation_.load());
    } catch (const Error& e) {
        std::lock_guard lock(state_mu_);
        ++attempts_;
        last_error_ = std::make_shared<Error>(e);
        throw;
    }
}

const Credential& Slot::fetch_now(const std::function<DataPtr()>& fetch) {
    std::lock_guard flight(flight_mu_);
    DataPtr fresh = with_retries(fetch);
    publish(fresh);
    return remember(fresh, generation_.load());
}

namespace {

bool lasts(const DataPtr& c, int64_t min_valid_ms) {
    if (!c) return false;
    int64_t remaining = c->expires_at_ms - util::now_ms();
    if (c->expires_at_ms == 0 || remaining >= min_valid_ms) return true;
    int64_t lifetime = c->expires_at_ms - c->obtained_at_ms;
    return lifetime < min_valid_ms && remaining >= lifetime - lifetime / 10;
}

}  // namespace

Credential Slot::get_valid_for(int64_t min_valid_ms,
                               const std::function<DataPtr(const DataPtr&)>& fetch) {
    get();
    if (DataPtr cur = peek(); lasts(cur, min_valid_ms)) return Credential(cur);
    return fetch_now([&] {
        DataPtr cur = peek();
        return lasts(cur, min_valid_ms) ? cur : fetch(cur);
    });
}

DataPtr Slot::with_retries(const std::function<DataPtr()>& fetch) {
    for (int attempt = 0;; ++attempt) {
        try {
            return fetch();
        } catch (const TransientError& e) {
            if (attempt + 1 >= retry_.max_attempts) throw;
            int64_t delay = jittered(backoff_ms(retry_, attempt));
            if (e.retry_after_ms() > 0) delay = std::max(delay, e.retry_after_ms());
            if (delay > retry_.max_delay_ms)
                throw;  // the server asks for more patience than we have
            source_.log(LogLevel::info,
                        std::string(e.what()) + "; retrying in " + std::to_string(delay) + " ms");
            std::this_thread::sleep_for(std::chrono::milliseconds(delay));
        }
    }
}

}  // namespace latchkey::token
