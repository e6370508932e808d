// One round trip to an OAuth token endpoint: POST a form, read the answer.
#ifndef LATCHKEY_COMMON_TOKEN_ENDPOINT_HPP
#define LATCHKEY_COMMON_TOKEN_ENDPOINT_HPP

#include <latchkey/common/client_auth.hpp>
#include <latchkey/common/form_post.hpp>
#include <latchkey/common/token_error.hpp>
#include <latchkey/common/token_response.hpp>
#include <latchkey/provider.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace latchkey::common {

// Sends `req` and returns the parsed token; throws sdk::Error with the
// category the host acts on (see token_error.hpp).
inline TokenResponse request_token(const sdk::Host& host, const sdk::HttpRequest& req) {
    const int64_t requested_at_ms = host.now_ms();
    sdk::HttpResponse resp = host.http(req, {"content-type", "retry-after", "location"});
    if (resp.status < 200 || resp.status > 299) throw token_endpoint_error(host, req.url, resp);
    return parse_token_response(host, req.url, resp, requested_at_ms);
}

// POSTs `form` to `token_url`, authenticating the client as `auth` says,
// and returns the parsed token (throws as above).
inline TokenResponse request_token(const sdk::Host& host, const ClientAuth& auth,
                                   const std::string& token_url, const FormFields& form) {
    return request_token(host, client_form_request(host, auth, token_url, form, token_url));
}

}  // namespace latchkey::common

#endif  // LATCHKEY_COMMON_TOKEN_ENDPOINT_HPP
