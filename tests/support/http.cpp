#include "http.hpp"

#include <curl/curl.h>

namespace latchkey::test {

namespace {

size_t append(char* d, size_t s, size_t n, void* u) {
    static_cast<std::string*>(u)->append(d, s * n);
    return s * n;
}

HttpResult perform(const std::string& url, const std::string* json, const std::string& header) {
    HttpResult r;
    CURL* c = curl_easy_init();
    curl_slist* h = nullptr;
    if (json) h = curl_slist_append(h, "Content-Type: application/json");
    if (!header.empty()) h = curl_slist_append(h, header.c_str());
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    if (json) curl_easy_setopt(c, CURLOPT_POSTFIELDS, json->c_str());
    if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return r;
}

}  // namespace

HttpResult http_get(const std::string& url, const std::string& header) {
    return perform(url, nullptr, header);
}
HttpResult http_post_json(const std::string& url, const std::string& json) {
    return perform(url, &json, "");
}

}  // namespace latchkey::test
