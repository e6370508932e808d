#include "site_workers.hpp"

#include <boost/asio/post.hpp>

namespace latchkey::agent {

bool SiteWorkers::run(const std::string& site, std::function<void()> work) {
    Pool* pool;
    {
        std::lock_guard lock(mutex_);
        auto& p = pools_[site];
        if (!p) p = std::make_unique<Pool>(threads_);
        pool = p.get();
    }
    if (pool->waiting.fetch_add(1) >= max_waiting_) {
        --pool->waiting;
        return false;
    }
    boost::asio::post(pool->threads, [pool, work = std::move(work)] {
        --pool->waiting;
        work();
    });
    return true;
}

void SiteWorkers::stop() {
    std::lock_guard lock(mutex_);
    for (auto& [name, pool] : pools_) pool->threads.join();
    pools_.clear();
}

}  // namespace latchkey::agent
