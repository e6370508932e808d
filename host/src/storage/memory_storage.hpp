#pragma once

#include <map>
#include <mutex>

#include "storage/storage.hpp"

namespace latchkey::storage {

class MemoryStorage : public Storage {
 public:
    std::string name() const override { return "memory"; }
    std::string location() const override { return "this process's memory"; }
    std::string check() override {
        return "memory: always available; nothing outlives the process";
    }
    std::optional<detail::CredentialData> load(const std::string& key) override;
    void save(const std::string& key, const detail::CredentialData& c) override;
    void erase(const std::string& key) override;
    std::unique_ptr<Lock> lock(const std::string& key) override;
    std::vector<std::string> keys() override;

 private:
    std::mutex mu_;
    std::map<std::string, detail::CredentialData> items_;
    std::map<std::string, std::mutex> locks_;
};

}  // namespace latchkey::storage
