// The AWS container credentials endpoint for one site (cloud_endpoints.hpp).
#pragma once

#include <string>

#include "cloud_endpoint_common.hpp"

namespace latchkey::agent {

class AwsCredentials : public CloudService {
 public:
    using CloudService::CloudService;
    void serve(Request&& request, const Peer& peer, Respond respond) override;
    Response refuse(const Peer& peer, http::status status, const std::string& why) override;
};

}  // namespace latchkey::agent
