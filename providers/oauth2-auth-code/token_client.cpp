#include "token_client.hpp"

#include <latchkey/common/credential.hpp>
#include <latchkey/common/token_endpoint.hpp>

namespace latchkey::auth_code {

sdk::Credential exchange_code(const sdk::Host& host, const Settings& s,
                              const std::string& token_url, const std::string& code,
                              const std::string& redirect_uri, const std::string& code_verifier) {
    common::FormFields form = {{"grant_type", "authorization_code"},
                               {"code", code},
                               {"redirect_uri", redirect_uri},
                               {"code_verifier", code_verifier}};
    if (!s.grant.resource.empty()) form.emplace_back("resource", s.grant.resource);
    try {
        return common::to_credential(host, common::request_token(host, s.auth, token_url, form), "",
                                     s.grant.scope);
    } catch (const sdk::Error& e) {
        if (e.status() != LATCHKEY_E_TRANSIENT) throw;
        throw sdk::internal_error(std::string(e.what()) +
                                  "; the login was not completed, run it again later");
    }
}

}  // namespace latchkey::auth_code
