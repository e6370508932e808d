// The one HTTP client every provider goes through (libcurl). The host, not
// the plugin, decides TLS verification, proxies, timeouts, redirects (never
// followed: a token endpoint that redirects is misconfigured) and how large
// a response may be.
#pragma once

#include <latchkey/provider.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace latchkey::http {

struct Response {
    long status = 0;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased

    const std::string* header(const std::string& lower_name) const;
};

class Client {
 public:
    static constexpr size_t kDefaultMaxBody = 1 << 20;  // 1 MiB: no token response is larger

    explicit Client(size_t max_body = kDefaultMaxBody);

    // Sends `req`. On a transport failure returns nullopt and sets `error`
    // (which never contains the request's body or credentials). `ca_file`, when
    // not empty, is the PEM bundle of CAs trusted instead of the system's.
    std::optional<Response> send(const latchkey_http_request& req, int64_t timeout_ms,
                                 std::string& error, const std::string& ca_file = {}) const;

 private:
    size_t max_body_;
};

}  // namespace latchkey::http
