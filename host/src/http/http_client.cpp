// The HTTP module (lib/latchkey/modules/http.so): libcurl behind
// http::Client. liblatchkey maps it on the first request (http/client.cpp),
// so a process that never sends one never loads libcurl and its libraries.
#include <curl/curl.h>

#include <memory>
#include <mutex>

#include "http/http_module.hpp"
#include "module/boundary.hpp"
#include "util/strings.hpp"

namespace latchkey::http {

namespace {

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Sink {
    Response* response;
    size_t max_body;
    bool overflow = false;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
    auto* s = static_cast<Sink*>(user);
    size_t len = size * n;
    if (s->response->body.size() + len > s->max_body) {
        s->overflow = true;
        return 0;  // makes curl fail with CURLE_WRITE_ERROR
    }
    s->response->body.append(data, len);
    return len;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
    auto* r = static_cast<Response*>(user);
    std::string line(data, size * n);
    if (line.rfind("HTTP/", 0) == 0) r->headers.clear();  // a new response (after 100-continue)
    auto colon = line.find(':');
    if (colon != std::string::npos)
        r->headers.emplace_back(util::to_lower(util::trim(line.substr(0, colon))),
                                util::trim(line.substr(colon + 1)));
    return size * n;
}

// Plain http is allowed only to this machine (the dev server, tests); a
// secret sent in clear to anywhere else is refused before it leaves.
bool allowed_scheme(const std::string& url, std::string& error) {
    std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), &curl_url_cleanup);
    if (curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
        error = "invalid URL '" + url + "'";
        return false;
    }
    char* scheme = nullptr;
    char* host = nullptr;
    curl_url_get(u.get(), CURLUPART_SCHEME, &scheme, 0);
    curl_url_get(u.get(), CURLUPART_HOST, &host, 0);
    std::string s = scheme ? scheme : "", h = host ? host : "";
    curl_free(scheme);
    curl_free(host);
    if (s == "https") return true;
    if (s == "http" && (h == "localhost" || h.rfind("127.", 0) == 0 || h == "[::1]")) return true;
    error = s == "http" ? "refusing plain http to " + h +
                              " (credentials would travel unencrypted); use https"
                        : "unsupported URL scheme '" + s + "' in " + url;
    return false;
}

}  // namespace

std::optional<Response> send_with_curl(const latchkey_http_request& req, int64_t timeout_ms,
                                       size_t max_body, std::string& error,
                                       const std::string& ca_file) {
    global_init();
    std::string url = req.url ? req.url : "";
    if (!allowed_scheme(url, error)) return std::nullopt;
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> h(curl_easy_init(), &curl_easy_cleanup);
    if (!h) {
        error = "cannot initialise the HTTP client";
        return std::nullopt;
    }
    Response resp;
    Sink sink{&resp, max_body};
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_slist* headers = nullptr;
    for (size_t i = 0; i < req.header_count; ++i)
        headers = curl_slist_append(headers, req.headers[i]);
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers_guard(headers,
                                                                              &curl_slist_free_all);

    CURL* c = h.get();
    std::string method = req.method ? req.method : "GET";
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout_ms));
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &resp);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "latchkey/" LATCHKEY_VERSION);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    // The method decides: a GET never carries a body, whatever the provider
    // passed; other methods send the body they were given.
    if (method == "POST" || (method != "GET" && req.body)) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body ? req.body : "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body_len));
    }
    if (method != "GET" && method != "POST")
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (req.basic_user && req.basic_password) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
        curl_easy_setopt(c, CURLOPT_USERNAME, req.basic_user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, req.basic_password);
    }
    if (!ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, ca_file.c_str());
    // TLS client authentication (RFC 8705), ABI 1.1 fields.
    if (req.struct_size >= LATCHKEY_HTTP_REQUEST_V1_1_SIZE && req.client_cert_file) {
        curl_easy_setopt(c, CURLOPT_SSLCERT, req.client_cert_file);
        curl_easy_setopt(c, CURLOPT_SSLCERTTYPE, "PEM");
        if (req.client_key_file) curl_easy_setopt(c, CURLOPT_SSLKEY, req.client_key_file);
        if (req.client_key_password)
            curl_easy_setopt(c, CURLOPT_KEYPASSWD, req.client_key_password);
    }
    CURLcode rc = curl_easy_perform(c);
    if (sink.overflow) {
        error = "response from " + url + " is larger than " + std::to_string(max_body >> 10) +
                " KiB; refused";
        return std::nullopt;
    }
    if (rc != CURLE_OK) {
        error = "request to " + url + " failed: " + (errbuf[0] ? errbuf : curl_easy_strerror(rc));
        return std::nullopt;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
    return resp;
}

std::string url_encode_with_curl(const std::string& text) {
    char* out = curl_easy_escape(nullptr, text.c_str(), static_cast<int>(text.size()));
    if (!out) return {};
    std::string s(out);
    curl_free(out);
    return s;
}

}  // namespace latchkey::http

// The table's functions catch what the code under them throws (see
// module/boundary.hpp): a failure is reported in `error`.
LATCHKEY_MODULE(http) {
    using latchkey::module::Fault;
    static const latchkey::http::HttpModule table{
        {},
        [](const latchkey_http_request& req, int64_t timeout_ms, size_t max_body,
           std::string& error, const std::string& ca_file) noexcept {
            return latchkey::module::contain(error, [&] {
                return latchkey::http::send_with_curl(req, timeout_ms, max_body, error, ca_file);
            });
        },
        [](const std::string& text) noexcept {
            Fault fault;
            return latchkey::module::contain(
                fault, [&] { return latchkey::http::url_encode_with_curl(text); });
        }};
    return &table;
}
