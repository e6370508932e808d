// `latchkey token --write`: a site's token_file keeps its current token, for
// tools that only read a file (the WLCG bearer-token convention,
// Kubernetes' tokenFile). The agent calls the same to keep it fresh.
#include "admin/parts.hpp"
#include "latchkey/admin.hpp"
#include "site/site.hpp"
#include "util/private_file.hpp"

namespace latchkey::admin {

std::string Admin::token_file(const std::string& site) {
    return parts_->site(site).resolved.token_file();
}

TokenFileWrite Admin::write_token_file(const std::string& site) {
    auto& s = parts_->site(site);
    TokenFileWrite out;
    out.path = s.resolved.token_file();
    if (out.path.empty())
        throw policy::config_error_at(s.resolved.pos, "site '" + s.name() +
                                                          "' names no token_file; add token_file "
                                                          "= \"PATH\" to [sites." +
                                                          s.name() + "]");
    Credential c = s.tokens->token();
    // The token alone, no line end: what the WLCG convention and Kubernetes
    // read (both trim whitespace; a reader that does not gets the token).
    out.changed = util::replace_private_file(out.path, c.token());
    return out;
}

}  // namespace latchkey::admin
