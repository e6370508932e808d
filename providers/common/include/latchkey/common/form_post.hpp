// The form-encoded POST every OAuth endpoint takes (token, device
// authorization, revocation), and HTTP Basic client credentials for it.
#ifndef LATCHKEY_COMMON_FORM_POST_HPP
#define LATCHKEY_COMMON_FORM_POST_HPP

#include <latchkey/provider.hpp>
#include <string>
#include <utility>
#include <vector>

namespace latchkey::common {

using FormFields = std::vector<std::pair<std::string, std::string>>;

// A token request (RFC 6749 §4.x): form-encoded POST asking for JSON.
inline sdk::HttpRequest token_request(const sdk::Host& host, const std::string& url,
                                      const FormFields& fields) {
    sdk::HttpRequest req;
    req.method = "POST";
    req.url = url;
    req.headers = {"Content-Type: application/x-www-form-urlencoded", "Accept: application/json"};
    req.body = host.form(fields);
    return req;
}

// HTTP Basic client authentication per RFC 6749 §2.3.1: id and secret are
// form-urlencoded first, then Basic-encoded by the host. The encoded secret
// differs from the configured one when it has special characters, so it is
// registered for redaction too.
inline std::pair<std::string, std::string> client_basic_auth(const sdk::Host& host,
                                                             const std::string& client_id,
                                                             const std::string& client_secret) {
    std::string secret = host.url_encode(client_secret);
    host.add_secret(secret);
    return {host.url_encode(client_id), secret};
}

}  // namespace latchkey::common

#endif  // LATCHKEY_COMMON_FORM_POST_HPP
