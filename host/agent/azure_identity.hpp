// Azure managed identity as App Service exposes it, for one site
// (cloud_endpoints.hpp): IDENTITY_ENDPOINT = http://127.0.0.1:PORT/msi/token,
// IDENTITY_HEADER = the per-start secret.
//   GET /msi/token?resource=R&api-version=2019-08-01
//       with X-IDENTITY-HEADER: SECRET
//     -> {"access_token", "expires_on": "<epoch seconds>", "resource": R,
//         "token_type": "Bearer"}
// The site's one credential answers for every resource; a user-assigned
// identity (client_id, principal_id, mi_res_id) is refused.
#pragma once

#include <string>

#include "cloud_endpoint_common.hpp"

namespace latchkey::agent {

class AzureIdentity : public CloudService {
 public:
    using CloudService::CloudService;
    void serve(Request&& request, const Peer& peer, Respond respond) override;
    Response refuse(const Peer& peer, http::status status, const std::string& why) override;
};

}  // namespace latchkey::agent
