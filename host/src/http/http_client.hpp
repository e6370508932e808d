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

// Whether a request that got no answer may have reached its server. Only
// then is resending it unsafe when it carries a one-time secret (a rotating
// refresh token): a failure to resolve, connect or finish the TLS handshake
// leaves `none`; once the connection is up and the request is being sent,
// `possible`.
enum class Delivery { none, possible };

// Why a request got no answer, with its kind, so that the caller decides
// from the kind and never from the wording.
struct Failure {
    enum class Kind {
        refused,    // never sent: a bad or unsupported URL, plain http to another
                    // machine, an unusable CA or client certificate file
        too_large,  // the answer passed the size cap: it would next time too
        transport,  // no answer: resolving, connecting, TLS, a timeout
        internal,   // the HTTP module itself cannot be used
    };
    Kind kind = Kind::transport;
    std::string message;  // never the request's body or credentials
};

// RFC 3986 percent-encoding (libcurl's, in the HTTP module; "" when the
// module cannot be loaded, and the request that follows reports why).
std::string url_encode(const std::string& text);
// Its inverse, %XX sequences decoded (libcurl's; "" when the module cannot
// be loaded).
std::string url_decode(const std::string& text);

// The host of `url` when it is plain http to somewhere that is not literally
// this machine (a loopback IP literal or `localhost`): such a URL works only
// if the name resolves to a loopback address. "" otherwise, and when the
// HTTP module cannot be loaded.
std::string insecure_http_host(const std::string& url);

// The password of `url`'s userinfo as written in it ("" when it has none),
// found by libcurl's URL parser (in the HTTP module); nullopt when the URL
// cannot be parsed or the module cannot be loaded. For util::Redactor.
std::optional<std::string> url_password(const std::string& url);

class Client {
 public:
    static constexpr size_t kDefaultMaxBody = 1 << 20;  // 1 MiB: no token response is larger

    explicit Client(size_t max_body = kDefaultMaxBody);

    // Sends `req`. Without an answer returns nullopt and says why in
    // `failure` and, when given, `delivery`. `ca_file`, when not empty, is the PEM bundle of CAs
    // trusted instead of the system's.
    std::optional<Response> send(const latchkey_http_request& req, int64_t timeout_ms,
                                 Failure& failure, const std::string& ca_file = {},
                                 Delivery* delivery = nullptr) const;

 private:
    size_t max_body_;
};

}  // namespace latchkey::http
