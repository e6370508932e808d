// The AWS container credentials endpoint for one site (cloud_endpoints.hpp).
#pragma once

#include <string>

#include "agent_state.hpp"
#include "http_server.hpp"

namespace latchkey::agent {

class AwsCredentials : public Service {
 public:
    AwsCredentials(AgentState& state, std::string site, std::string secret)
        : state_(state), site_(std::move(site)), secret_(std::move(secret)) {}
    void serve(Request&& request, const Peer& peer, Respond respond) override;
    Response refuse(const Peer& peer, http::status status, const std::string& why) override;

 private:
    AgentState& state_;
    std::string site_;
    std::string secret_;
};

}  // namespace latchkey::agent
