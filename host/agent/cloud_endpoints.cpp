#include "cloud_endpoints.hpp"

#include "aws_credentials.hpp"
#include "azure_identity.hpp"
#include "cloud_endpoint_common.hpp"
#include "gce_metadata.hpp"

namespace latchkey::agent {

struct CloudEndpoints::Endpoint {
    std::string kind;
    std::string secret;
    unsigned short port = 0;
    std::shared_ptr<Service> service;  // also held by its connections
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
        if (e->kind == "gce") {
            e->service = std::make_unique<GceMetadata>(state_, site);
        } else {
            e->secret = random_secret();
            if (e->kind == "azure")
                e->service = std::make_unique<AzureIdentity>(state_, site, e->secret);
            else
                e->service = std::make_unique<AwsCredentials>(state_, site, e->secret);
        }
        e->listener = listen_loopback(io_, e->port, e->service, limits_, finder_);
        endpoints_.emplace(site, std::move(e));
    }
}

std::optional<std::vector<std::pair<std::string, std::string>>> CloudEndpoints::variables(
    const std::string& site) const {
    std::lock_guard lock(mutex_);
    auto it = endpoints_.find(site);
    if (it == endpoints_.end()) return std::nullopt;
    auto& e = *it->second;
    std::string host = "127.0.0.1:" + std::to_string(e.port);
    if (e.kind == "gce")
        // Google's libraries differ in which they read (Node: IP first, Go:
        // HOST, Python: IP for its probe and HOST for the rest); no secret.
        // assume-present: google-auth-library goes straight to the token
        // path, so a refusal shows as such rather than as "not on GCE".
        return std::vector<std::pair<std::string, std::string>>{
            {"GCE_METADATA_HOST", host},
            {"GCE_METADATA_IP", host},
            {"METADATA_SERVER_DETECTION", "assume-present"}};
    if (e.kind == "azure")
        return std::vector<std::pair<std::string, std::string>>{
            {"IDENTITY_ENDPOINT", "http://" + host + "/msi/token"}, {"IDENTITY_HEADER", e.secret}};
    return std::vector<std::pair<std::string, std::string>>{
        {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://" + host + "/aws/credentials"},
        {"AWS_CONTAINER_AUTHORIZATION_TOKEN", e.secret}};
}

std::string CloudEndpoints::kind_of(const std::string& site) const {
    std::lock_guard lock(mutex_);
    auto it = endpoints_.find(site);
    return it == endpoints_.end() ? "" : it->second->kind;
}

}  // namespace latchkey::agent
