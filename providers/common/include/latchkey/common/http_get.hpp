// A GET through the host's HTTP service (metadata documents, userinfo): the
// request with no body, the response headers the caller names.
#ifndef LATCHKEY_COMMON_HTTP_GET_HPP
#define LATCHKEY_COMMON_HTTP_GET_HPP

#include <initializer_list>
#include <latchkey/provider.hpp>
#include <string>
#include <vector>

namespace latchkey::common {

// Throws sdk::Error (TRANSIENT, or the host's status) when no response came.
inline sdk::HttpResponse http_get(const sdk::Host& host, const std::string& url,
                                  const std::vector<std::string>& headers,
                                  std::initializer_list<const char*> want_headers) {
    sdk::HttpRequest req;
    req.method = "GET";
    req.url = url;
    req.headers = headers;
    return host.http(req, want_headers);
}

}  // namespace latchkey::common

#endif  // LATCHKEY_COMMON_HTTP_GET_HPP
