// Credentials kept in this process only: for libraries and short jobs.
#include "storage/memory_storage.hpp"

#include <map>
#include <mutex>

namespace latchkey::storage {

namespace {
class MemoryLock : public Lock {
 public:
    explicit MemoryLock(std::mutex& m) : lock_(m) {}

 private:
    std::unique_lock<std::mutex> lock_;
};
}  // namespace

std::optional<detail::CredentialData> MemoryStorage::load(const std::string& key) {
    std::lock_guard g(mu_);
    auto it = items_.find(key);
    if (it == items_.end()) return std::nullopt;
    return it->second;
}

void MemoryStorage::save(const std::string& key, const detail::CredentialData& c) {
    std::lock_guard g(mu_);
    items_[key] = c;
}

void MemoryStorage::erase(const std::string& key) {
    std::lock_guard g(mu_);
    items_.erase(key);
}

std::unique_ptr<Lock> MemoryStorage::lock(const std::string& key) {
    std::mutex* m;
    {
        std::lock_guard g(mu_);
        m = &locks_[key];  // std::map never moves its nodes
    }
    return std::make_unique<MemoryLock>(*m);
}

std::vector<std::string> MemoryStorage::keys() {
    std::lock_guard g(mu_);
    std::vector<std::string> out;
    for (auto& [k, _] : items_) out.push_back(k);
    return out;
}

}  // namespace latchkey::storage
