// The GCE metadata server's token path for one site (cloud_endpoints.hpp),
// as Google's client libraries use it (GCE_METADATA_HOST/GCE_METADATA_IP =
// 127.0.0.1:PORT):
//   GET /computeMetadata/v1/instance/service-accounts/default/token[?scopes=]
//     -> {"access_token", "expires_in", "token_type": "Bearer"}
// plus the few paths they probe first (/, /computeMetadata/v1/instance,
// .../service-accounts/default/?recursive=true, .../email). Every request
// must carry `Metadata-Flavor: Google` and no X-Forwarded-For, and every
// answer carries `Metadata-Flavor: Google`, as the real server does.
//
// The real server has no secret (the VM's network is the guard), and the
// SDKs take only host:port from the environment, so no secret can ride
// along. Instead the agent asks the kernel who owns the calling socket
// (loopback_peer.hpp) and applies the site's `allow` rules, as on the Unix
// socket: by default only the agent's own user gets the token.
#pragma once

#include <string>

#include "cloud_endpoint_common.hpp"

namespace latchkey::agent {

class GceMetadata : public CloudService {
 public:
    using CloudService::CloudService;
    void serve(Request&& request, const Peer& peer, Respond respond) override;
    Response refuse(const Peer& peer, http::status status, const std::string& why) override;
};

}  // namespace latchkey::agent
