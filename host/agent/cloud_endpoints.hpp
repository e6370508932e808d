// Loopback endpoints in the shape of the cloud vendors' own credential
// services, so that unmodified SDKs get a site's credentials from the agent.
// Opt-in per site (`cloud_endpoint = "aws"`); each listens on 127.0.0.1 on a
// port of its own and is guarded by a random secret made at each start, as
// the real services are (or, where the SDK has no way to carry one, by the
// kernel's word on who owns the calling socket). `latchkey agent env --at
// SITE` prints the variables an SDK reads.
//
//   aws    the ECS/EKS container credentials service (aws_credentials.hpp)
//   gce    the GCE metadata server's token path (gce_metadata.hpp)
//   azure  App Service managed identity (azure_identity.hpp)
#pragma once

#include <boost/asio/io_context.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "agent_state.hpp"
#include "http_server.hpp"
#include "loopback_peer.hpp"

namespace latchkey::agent {

class CloudEndpoints {
 public:
    CloudEndpoints(boost::asio::io_context& io, AgentState& state, const Limits& limits);
    ~CloudEndpoints();

    // Opens an endpoint for each site of `policy` that asks for one and has
    // none, closes those of sites that no longer do. An endpoint that stays
    // keeps its port and secret, so exported variables stay good.
    void sync(const ServedPolicy& policy);
    // NAME=VALUE pairs to export for `site`; nullopt when it has no endpoint.
    std::optional<std::vector<std::pair<std::string, std::string>>> variables(
        const std::string& site) const;
    // The site's endpoint kind ("" when none).
    std::string kind_of(const std::string& site) const;

 private:
    struct Endpoint;
    boost::asio::io_context& io_;
    AgentState& state_;
    Limits limits_;
    // Finds the endpoints' callers; declared before them, so destroyed
    // after them.
    LoopbackPeerFinder finder_;
    mutable std::mutex mutex_;
    std::map<std::string, std::unique_ptr<Endpoint>> endpoints_;
};

}  // namespace latchkey::agent
