// The HTTP module (lib/latchkey/modules/http.so): libcurl behind
// http::Client. liblatchkey maps it on the first request (http/client.cpp),
// so a process that never sends one never loads libcurl and its libraries.
#include <curl/curl.h>

#include <memory>

#include "http/curl_guard.hpp"
#include "http/http_module.hpp"
#include "http/loopback.hpp"
#include "module/boundary.hpp"
#include "util/regular_file.hpp"
#include "util/strings.hpp"

namespace latchkey::http {

namespace {

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

}  // namespace

std::optional<Response> send_with_curl(const latchkey_http_request& req, int64_t timeout_ms,
                                       size_t max_body, Failure& failure,
                                       const std::string& ca_file, Delivery& delivery) {
    init_curl();
    delivery = Delivery::none;
    failure.kind = Failure::Kind::refused;  // until the request is under way
    std::string& error = failure.message;
    std::string url = req.url ? req.url : "";
    Watch watch;
    std::string host;
    if (!allowed_scheme(url, watch, host, error)) return std::nullopt;
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> h(curl_easy_init(), &curl_easy_cleanup);
    if (!h) {
        failure.kind = Failure::Kind::internal;
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
    prepare(c, url, timeout_ms, errbuf, watch);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &resp);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
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
    // libcurl opens these files by name: only regular files of bounded size,
    // or a FIFO given as ca_file would hang the request past its timeout.
    bool client_tls = req.struct_size >= LATCHKEY_HTTP_REQUEST_V1_1_SIZE && req.client_cert_file;
    for (const char* file : {ca_file.empty() ? nullptr : ca_file.c_str(),
                             client_tls ? req.client_cert_file : nullptr,
                             client_tls ? req.client_key_file : nullptr}) {
        if (!file) continue;
        if (auto problem = util::regular_file_problem(file)) {
            error = *problem;
            return std::nullopt;
        }
    }
    if (!ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, ca_file.c_str());
    // TLS client authentication (RFC 8705), ABI 1.1 fields.
    if (client_tls) {
        curl_easy_setopt(c, CURLOPT_SSLCERT, req.client_cert_file);
        curl_easy_setopt(c, CURLOPT_SSLCERTTYPE, "PEM");
        if (req.client_key_file) curl_easy_setopt(c, CURLOPT_SSLKEY, req.client_key_file);
        if (req.client_key_password)
            curl_easy_setopt(c, CURLOPT_KEYPASSWD, req.client_key_password);
    }
    CURLcode rc = curl_easy_perform(c);
    failure.kind = Failure::Kind::transport;
    if (watch.sending) delivery = Delivery::possible;
    if (std::string refusal = guard_refusal(watch, host, rc); !refusal.empty()) {
        error = refusal;
        failure.kind = Failure::Kind::refused;
        return std::nullopt;
    }
    if (sink.overflow) {
        failure.kind = Failure::Kind::too_large;
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

std::string insecure_http_host_with_curl(const std::string& url) {
    std::string scheme, host, error;
    if (!split_url(url, scheme, host, error)) return {};
    if (util::to_lower(scheme) != "http" || is_literal_loopback_host(util::to_lower(host)))
        return {};
    return host;
}

std::optional<std::string> url_password_with_curl(const std::string& url) {
    std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), &curl_url_cleanup);
    // Any scheme: a redis:// or ldap:// address hides a password the same way.
    if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME) !=
                  CURLUE_OK)
        return std::nullopt;
    char* password = nullptr;
    // As written (no URL decoding), so the caller finds it in the text.
    if (curl_url_get(u.get(), CURLUPART_PASSWORD, &password, 0) != CURLUE_OK || !password)
        return std::string();
    std::string out(password);
    curl_free(password);
    return out;
}

std::string url_encode_with_curl(const std::string& text) {
    char* out = curl_easy_escape(nullptr, text.c_str(), static_cast<int>(text.size()));
    if (!out) return {};
    std::string s(out);
    curl_free(out);
    return s;
}

std::string url_decode_with_curl(const std::string& text) {
    int length = 0;
    char* out = curl_easy_unescape(nullptr, text.c_str(), static_cast<int>(text.size()), &length);
    if (!out) return {};
    std::string s(out, static_cast<size_t>(length));
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
           latchkey::http::Failure& failure, const std::string& ca_file,
           latchkey::http::Delivery& delivery) noexcept {
            // A fault inside may come after the request went out.
            delivery = latchkey::http::Delivery::possible;
            failure.kind = latchkey::http::Failure::Kind::internal;
            return latchkey::module::contain(failure.message, [&] {
                return latchkey::http::send_with_curl(req, timeout_ms, max_body, failure, ca_file,
                                                      delivery);
            });
        },
        [](const std::string& text) noexcept {
            Fault fault;
            return latchkey::module::contain(
                fault, [&] { return latchkey::http::url_encode_with_curl(text); });
        },
        [](const std::string& url) noexcept {
            Fault fault;
            return latchkey::module::contain(
                fault, [&] { return latchkey::http::insecure_http_host_with_curl(url); });
        },
        [](const std::string& url) noexcept {
            Fault fault;
            return latchkey::module::contain(
                fault, [&] { return latchkey::http::url_password_with_curl(url); });
        },
        [](const latchkey::http::Transfer& t, latchkey::http::Failure& failure) noexcept {
            failure.kind = latchkey::http::Failure::Kind::internal;
            return latchkey::module::contain(
                failure.message, [&] { return latchkey::http::transfer_with_curl(t, failure); });
        },
        [](const std::string& text) noexcept {
            Fault fault;
            return latchkey::module::contain(
                fault, [&] { return latchkey::http::url_decode_with_curl(text); });
        }};
    return &table;
}
