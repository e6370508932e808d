#include "authorization_request.hpp"

namespace latchkey::auth_code {

std::string authorization_address(const sdk::Host& host, const Settings& s,
                                  const std::string& endpoint, const std::string& redirect_uri,
                                  const RequestSecrets& secrets) {
    common::FormFields q = {
        {"response_type", "code"},
        {"client_id", s.auth.client_id},
        {"redirect_uri", redirect_uri},
        {"state", secrets.state},
        {"code_challenge", secrets.code_challenge},
        {"code_challenge_method", "S256"},
    };
    s.grant.append_to(q);  // scope, audience, resource
    q.insert(q.end(), s.extra_params.begin(), s.extra_params.end());
    // The endpoint may carry a query of its own (RFC 6749 §3.1 allows it).
    const char joiner = endpoint.find('?') == std::string::npos ? '?' : '&';
    return endpoint + joiner + host.form(q);
}

}  // namespace latchkey::auth_code
