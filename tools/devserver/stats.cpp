#include "stats.hpp"

namespace devserver {

void Stats::count_token_request() {
    std::lock_guard lock(mutex_);
    ++data_.token_requests;
}

void Stats::record_authentication(const std::string& client_id, AuthMethod method) {
    std::lock_guard lock(mutex_);
    auto& client = data_.clients[client_id];
    ++(method == AuthMethod::client_secret_basic ? client.basic : client.post);
}

void Stats::record_issued(const std::string& client_id, ParamMap params) {
    std::lock_guard lock(mutex_);
    auto& client = data_.clients[client_id];
    ++client.issued;
    client.last_params = std::move(params);
}

StatsSnapshot Stats::snapshot() const {
    std::lock_guard lock(mutex_);
    return data_;
}

void Stats::clear() {
    std::lock_guard lock(mutex_);
    data_ = StatsSnapshot{};
}

}  // namespace devserver
