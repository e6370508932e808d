// A GET through the host's HTTP service (metadata documents, userinfo).
//
// Why not sdk::Host::http: it always hands the host a body pointer (an empty
// string's), and the host sends any request that has one as a POST, so a
// GET became a POST with an empty form. This passes no body at all.
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
    const latchkey_host* h = host.raw();
    std::vector<const char*> lines;
    for (auto& l : headers) lines.push_back(l.c_str());
    latchkey_http_request req{};
    req.struct_size = sizeof req;
    req.method = "GET";
    req.url = url.c_str();
    req.headers = lines.data();
    req.header_count = lines.size();
    latchkey_http_response* resp = nullptr;
    char err[512] = {0};
    latchkey_status st = h->http(h->ctx, &req, &resp, err, sizeof err);
    if (st != LATCHKEY_OK || !resp)
        throw sdk::Error(st == LATCHKEY_OK ? LATCHKEY_E_INTERNAL : st,
                         err[0] ? err : "HTTP request to " + url + " failed");
    sdk::HttpResponse out;
    out.status = h->http_status(h->ctx, resp);
    size_t len = 0;
    const char* body = h->http_body(h->ctx, resp, &len);
    out.body.assign(body ? body : "", len);
    for (const char* name : want_headers)
        if (const char* v = h->http_header(h->ctx, resp, name)) out.headers[name] = v;
    h->http_release(h->ctx, resp);
    return out;
}

}  // namespace latchkey::common

#endif  // LATCHKEY_COMMON_HTTP_GET_HPP
