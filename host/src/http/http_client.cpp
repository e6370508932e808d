// The HTTP module (lib/latchkey/modules/http.so): libcurl behind
// http::Client. liblatchkey maps it on the first request (http/client.cpp),
// so a process that never sends one never loads libcurl and its libraries.
#include <curl/curl.h>

#include <memory>
#include <mutex>

#include "http/http_module.hpp"
#include "http/loopback.hpp"
#include "module/boundary.hpp"
#include "util/regular_file.hpp"
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

// The scheme and host of `url` as libcurl parses it; false (and `error`)
// when it does not parse.
bool split_url(const std::string& url, std::string& scheme, std::string& host, std::string& error) {
    std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), &curl_url_cleanup);
    if (curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
        error = "invalid URL '" + url + "'";
        return false;
    }
    char* s = nullptr;
    char* h = nullptr;
    curl_url_get(u.get(), CURLUPART_SCHEME, &s, 0);
    curl_url_get(u.get(), CURLUPART_HOST, &h, 0);
    scheme = s ? s : "";
    host = h ? h : "";
    curl_free(s);
    curl_free(h);
    return true;
}

std::string plain_http_refusal(const std::string& host, const std::string& why) {
    return "refusing plain http to " + host + why +
           " (credentials would travel unencrypted); use https";
}

// Plain http is allowed only to this machine (the dev server, tests); a
// secret sent in clear to anywhere else is refused before it leaves. An IP
// literal is decided here; a name is decided by the address it resolves to,
// when the socket is opened (open_socket), so no resolver answer can change
// between the check and the connection.
bool allowed_scheme(const std::string& url, bool& plain_http, std::string& host,
                    std::string& error) {
    std::string s;
    if (!split_url(url, s, host, error)) return false;
    plain_http = s == "http";
    if (s == "https") return true;
    if (s != "http") {
        error = "unsupported URL scheme '" + s + "' in " + url;
        return false;
    }
    if (literal_is_loopback(host).value_or(true)) return true;
    error = plain_http_refusal(host, "");
    return false;
}

// What the socket callbacks learn about one request.
struct Watch {
    bool plain_http = false;
    std::string refused_address;  // a plain-http connection not opened, and where to
    bool sending = false;         // connected (TLS done): the request is being sent
};

// Opens every socket libcurl connects with; for plain http, only to a
// loopback address (the one actually connected to, after resolution).
curl_socket_t open_socket(void* user, curlsocktype, curl_sockaddr* address) {
    auto* w = static_cast<Watch*>(user);
    if (w->plain_http && !is_loopback_address(&address->addr, address->addrlen)) {
        w->refused_address = address_text(&address->addr, address->addrlen);
        return CURL_SOCKET_BAD;  // curl tries the next address, else fails to connect
    }
    return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

// Called once the connection is up, right before the request goes out: from
// here on a failure may leave a request the server received and acted on.
int on_sending(void* user, char*, char*, int, int) {
    static_cast<Watch*>(user)->sending = true;
    return CURL_PREREQFUNC_OK;
}

}  // namespace

std::optional<Response> send_with_curl(const latchkey_http_request& req, int64_t timeout_ms,
                                       size_t max_body, Failure& failure,
                                       const std::string& ca_file, Delivery& delivery) {
    global_init();
    delivery = Delivery::none;
    failure.kind = Failure::Kind::refused;  // until the request is under way
    std::string& error = failure.message;
    std::string url = req.url ? req.url : "";
    Watch watch;
    std::string host;
    if (!allowed_scheme(url, watch.plain_http, host, error)) return std::nullopt;
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
    curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_socket);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &watch);
    curl_easy_setopt(c, CURLOPT_PREREQFUNCTION, on_sending);
    curl_easy_setopt(c, CURLOPT_PREREQDATA, &watch);
    // Plain http goes straight to this machine: a proxy would carry it on,
    // in clear, to wherever the URL's name points.
    if (watch.plain_http) curl_easy_setopt(c, CURLOPT_PROXY, "");
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
    if (!watch.refused_address.empty() && rc == CURLE_COULDNT_CONNECT) {
        error = plain_http_refusal(
            host, ": it resolves to " + watch.refused_address + ", not to this machine");
        failure.kind = Failure::Kind::refused;
        return std::nullopt;
    }
    if (watch.plain_http && rc == CURLE_COULDNT_RESOLVE_HOST) {
        error = plain_http_refusal(host, ": the name does not resolve, so it is not this machine");
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
        }};
    return &table;
}
