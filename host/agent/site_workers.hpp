// Threads that call the Host, a few per site: a provider that hangs holds
// its own site's threads and no other's, and the I/O thread never waits.
#pragma once

#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace latchkey::agent {

class SiteWorkers {
 public:
    // `threads` per site; at most `max_waiting` calls queued per site.
    SiteWorkers(size_t threads, size_t max_waiting)
        : threads_(threads), max_waiting_(max_waiting) {}
    ~SiteWorkers() { stop(); }

    // Runs `work` on one of `site`'s threads; false (and `work` not run)
    // when the site already has max_waiting calls waiting.
    bool run(const std::string& site, std::function<void()> work);
    // Waits for the calls in progress, then ends every thread.
    void stop();

 private:
    struct Pool {
        explicit Pool(size_t n) : threads(n) {}
        boost::asio::thread_pool threads;
        std::atomic<size_t> waiting{0};
    };
    size_t threads_;
    size_t max_waiting_;
    std::mutex mutex_;
    std::map<std::string, std::unique_ptr<Pool>> pools_;
};

}  // namespace latchkey::agent
