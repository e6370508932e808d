#include "cloud_endpoints.hpp"

#include <sys/random.h>

#include <cstdio>

#include "aws_credentials.hpp"

namespace latchkey::agent {

namespace {

// 32 bytes from the kernel's CSPRNG, as hex: the per-start secret.
std::string random_secret() {
    unsigned char bytes[32];
    size_t got = 0;
    while (got < sizeof bytes) {
        ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
        if (n <= 0) throw Error(ErrorKind::internal, "getrandom failed");
        got += static_cast<size_t>(n);
    }
    std::string hex;
    char two[3];
    for (unsigned char b : bytes) {
        std::snprintf(two, sizeof two, "%02x", b);
        hex += two;
    }
    return hex;
}

}  // namespace

const std::vector<std::string>& cloud_endpoint_kinds() {
    static const std::vector<std::string> kinds = {"aws"};
    return kinds;
}

struct CloudEndpoints::Endpoint {
    std::string kind;
    std::string secret;
    unsigned short port = 0;
    std::unique_ptr<Service> service;
    std::shared_ptr<Listener> listener;
};

CloudEndpoints::CloudEndpoints(boost::asio::io_context& io, AgentState& state, const Limits& limits)
    : io_(io), state_(state), limits_(limits) {}

CloudEndpoints::~CloudEndpoints() {
    for (auto& [site, e] : endpoints_) e->listener->close();
}

void CloudEndpoints::sync(const ServedPolicy& policy) {
    std::lock_guard lock(mutex_);
    for (auto it = endpoints_.begin(); it != endpoints_.end();) {
        auto* s = policy.find(it->first);
        if (s && s->cloud_endpoint == it->second->kind) {
            ++it;
            continue;
        }
        it->second->listener->close();
        it = endpoints_.erase(it);
    }
    for (auto& [site, s] : policy.sites()) {
        if (s.cloud_endpoint.empty() || endpoints_.count(site)) continue;
        auto e = std::make_unique<Endpoint>();
        e->kind = s.cloud_endpoint;
        e->secret = random_secret();
        e->service = std::make_unique<AwsCredentials>(state_, site, e->secret);
        e->listener = listen_loopback(io_, e->port, *e->service, limits_);
        endpoints_.emplace(site, std::move(e));
    }
}

std::optional<std::vector<std::pair<std::string, std::string>>> CloudEndpoints::variables(
    const std::string& site) const {
    std::lock_guard lock(mutex_);
    auto it = endpoints_.find(site);
    if (it == endpoints_.end()) return std::nullopt;
    auto& e = *it->second;
    std::string base = "http://127.0.0.1:" + std::to_string(e.port);
    return std::vector<std::pair<std::string, std::string>>{
        {"AWS_CONTAINER_CREDENTIALS_FULL_URI", base + "/aws/credentials"},
        {"AWS_CONTAINER_AUTHORIZATION_TOKEN", e.secret}};
}

std::string CloudEndpoints::kind_of(const std::string& site) const {
    std::lock_guard lock(mutex_);
    auto it = endpoints_.find(site);
    return it == endpoints_.end() ? "" : it->second->kind;
}

}  // namespace latchkey::agent
