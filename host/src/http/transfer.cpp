// The HTTP module's streamed transfer (see transfer.hpp).
#include "http/transfer.hpp"

#include <curl/curl.h>

#include <memory>

#include "http/curl_guard.hpp"
#include "util/regular_file.hpp"

namespace latchkey::http {

namespace {

struct Progress {
    CURL* handle = nullptr;
    const Transfer* transfer = nullptr;
    std::vector<std::string> lines;  // of the answer being received
    bool head_given = false;
    bool stopped = false;  // on_body asked to stop
};

size_t on_header(char* data, size_t size, size_t n, void* user) {
    auto* p = static_cast<Progress*>(user);
    std::string line(data, size * n);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (line.rfind("HTTP/", 0) == 0) p->lines.clear();  // a new answer (after a 1xx)
    if (!line.empty()) {
        p->lines.push_back(std::move(line));
        return size * n;
    }
    // The blank line ends an answer's head.
    long status = 0;
    curl_easy_getinfo(p->handle, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && !p->head_given) {
        p->head_given = true;
        if (p->transfer->on_head) p->transfer->on_head(status, p->lines);
    }
    return size * n;
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
    auto* p = static_cast<Progress*>(user);
    if (p->transfer->on_body && !p->transfer->on_body(std::string_view(data, size * n))) {
        p->stopped = true;
        return 0;  // makes curl fail with CURLE_WRITE_ERROR
    }
    return size * n;
}

}  // namespace

std::optional<long> transfer_with_curl(const Transfer& t, Failure& failure) {
    init_curl();
    failure.kind = Failure::Kind::refused;  // until the request is under way
    std::string& error = failure.message;
    Watch watch;
    watch.plain_http_anywhere = t.plain_http_anywhere;
    std::string host;
    if (!allowed_scheme(t.url, watch, host, error)) return std::nullopt;
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> h(curl_easy_init(), &curl_easy_cleanup);
    if (!h) {
        failure.kind = Failure::Kind::internal;
        error = "cannot initialise the HTTP client";
        return std::nullopt;
    }
    curl_slist* headers = nullptr;
    for (auto& line : t.headers) headers = curl_slist_append(headers, line.c_str());
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers_guard(headers,
                                                                              &curl_slist_free_all);
    CURL* c = h.get();
    Progress progress;
    progress.handle = c;
    progress.transfer = &t;
    char errbuf[CURL_ERROR_SIZE] = {0};
    // A redirect is the answer, as with curl without -L: followed, it would
    // carry the credential to wherever the server points.
    prepare(c, t.url, t.timeout_ms, errbuf, watch);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &progress);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &progress);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    if (t.body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, t.body->data());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t.body->size()));
    }
    if (t.method == "HEAD")
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);  // an answer to HEAD has no body to wait for
    else if (!t.method.empty() && t.method != (t.body ? "POST" : "GET"))
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, t.method.c_str());
    if (!t.ca_file.empty()) {
        // libcurl opens it by name: a FIFO would hang the request.
        if (auto problem = util::regular_file_problem(t.ca_file)) {
            error = *problem;
            return std::nullopt;
        }
        curl_easy_setopt(c, CURLOPT_CAINFO, t.ca_file.c_str());
    }
    CURLcode rc = curl_easy_perform(c);
    failure.kind = Failure::Kind::transport;
    if (std::string refusal = guard_refusal(watch, host, rc); !refusal.empty()) {
        error = refusal;
        failure.kind = Failure::Kind::refused;
        return std::nullopt;
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (progress.stopped) return status;  // the caller stopped reading: its own decision
    if (rc != CURLE_OK) {
        error = "request to " + t.url + " failed: " + (errbuf[0] ? errbuf : curl_easy_strerror(rc));
        return std::nullopt;
    }
    return status;
}

}  // namespace latchkey::http
