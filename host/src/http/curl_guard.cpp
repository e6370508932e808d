#include "http/curl_guard.hpp"

#include <sys/socket.h>

#include <memory>
#include <mutex>

#include "http/loopback.hpp"

namespace latchkey::http {

namespace {

// Opens every socket libcurl connects with; for plain http, only to a
// loopback address (the one actually connected to, after resolution).
curl_socket_t open_socket(void* user, curlsocktype, curl_sockaddr* address) {
    auto* w = static_cast<Watch*>(user);
    if (w->plain_http && !w->plain_http_anywhere &&
        !is_loopback_address(&address->addr, address->addrlen)) {
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

void init_curl() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

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
// when the socket is opened (open_socket).
bool allowed_scheme(const std::string& url, Watch& watch, std::string& host, std::string& error) {
    std::string s;
    if (!split_url(url, s, host, error)) return false;
    watch.plain_http = s == "http";
    if (s == "https") return true;
    if (s != "http") {
        error = "unsupported URL scheme '" + s + "' in " + url;
        return false;
    }
    if (watch.plain_http_anywhere || literal_is_loopback(host).value_or(true)) return true;
    error = plain_http_refusal(host, "");
    return false;
}

void prepare(CURL* c, const std::string& url, int64_t timeout_ms, char* errbuf, Watch& watch) {
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout_ms));
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "latchkey/" LATCHKEY_VERSION);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_socket);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &watch);
    curl_easy_setopt(c, CURLOPT_PREREQFUNCTION, on_sending);
    curl_easy_setopt(c, CURLOPT_PREREQDATA, &watch);
    if (watch.plain_http && !watch.plain_http_anywhere) curl_easy_setopt(c, CURLOPT_PROXY, "");
}

std::string guard_refusal(const Watch& watch, const std::string& host, CURLcode rc) {
    if (!watch.refused_address.empty() && rc == CURLE_COULDNT_CONNECT)
        return plain_http_refusal(
            host, ": it resolves to " + watch.refused_address + ", not to this machine");
    if (watch.plain_http && !watch.plain_http_anywhere && rc == CURLE_COULDNT_RESOLVE_HOST)
        return plain_http_refusal(host, ": the name does not resolve, so it is not this machine");
    return "";
}

}  // namespace latchkey::http
