#include "stats.hpp"

#include <string_view>

namespace devserver {

void Stats::count_token_request() {
    std::lock_guard lock(mutex_);
    ++data_.token_requests;
}

void Stats::record_authentication(const std::string& client_id, AuthMethod method) {
    std::lock_guard lock(mutex_);
    ++data_.clients[client_id].auth_methods[static_cast<std::size_t>(method)];
}

void Stats::record_issued(const std::string& client_id, ParamMap params) {
    std::lock_guard lock(mutex_);
    auto& client = data_.clients[client_id];
    ++client.issued;
    client.last_params = std::move(params);
}

void Stats::record_grant(const std::string& client_id, const std::string& grant_type) {
    std::lock_guard lock(mutex_);
    ++data_.clients[client_id].grants[grant_type];
}

void Stats::count(const std::string& event, std::uint64_t n) {
    std::lock_guard lock(mutex_);
    data_.counters[event] += n;
}

StatsSnapshot Stats::snapshot() const {
    std::lock_guard lock(mutex_);
    return data_;
}

void Stats::clear() {
    std::lock_guard lock(mutex_);
    data_ = StatsSnapshot{};
}

ParamMap without_secrets(const std::multimap<std::string, std::string>& form) {
    static constexpr std::string_view kSecretParams[] = {
        "client_secret", "client_assertion", "assertion",   "refresh_token",
        "code",          "code_verifier",    "device_code", "token",
    };
    ParamMap kept;
    for (const auto& [name, value] : form) {
        bool secret = false;
        for (const std::string_view s : kSecretParams) {
            secret = secret || name == s;
        }
        if (!secret) {
            kept.emplace(name, value);
        }
    }
    return kept;
}

}  // namespace devserver
