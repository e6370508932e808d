// The one HTTP client every provider goes through (libcurl, in the HTTP
// module: http_client.cpp is built into modules/http.so, client.cpp into
// liblatchkey). The host, not
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

// RFC 3986 percent-encoding (libcurl's, in the HTTP module; "" when the
// module cannot be loaded, and the request that follows reports why).
std::string url_encode(const std::string& text);

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
