#include "form_post.hpp"

#include <curl/curl.h>

#include <memory>

namespace latchkey::interop {

namespace {

size_t append(char* data, size_t size, size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
}

}  // namespace

test::HttpResult post_form(const std::string& url, const FormFields& fields,
                           const std::string& user, const std::string& password) {
    test::HttpResult r;
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> c(curl_easy_init(), curl_easy_cleanup);
    if (!c) return r;

    std::string body;
    for (const auto& [name, value] : fields) {
        std::unique_ptr<char, decltype(&curl_free)> n(
            curl_easy_escape(c.get(), name.data(), static_cast<int>(name.size())), curl_free);
        std::unique_ptr<char, decltype(&curl_free)> v(
            curl_easy_escape(c.get(), value.data(), static_cast<int>(value.size())), curl_free);
        body += (body.empty() ? "" : "&") + std::string(n.get()) + "=" + v.get();
    }

    curl_easy_setopt(c.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(c.get(), CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(c.get(), CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, append);
    curl_easy_setopt(c.get(), CURLOPT_WRITEDATA, &r.body);
    if (!user.empty()) {
        // libcurl's Basic encoding; RFC 6749 §2.3.1 form-encodes id and
        // secret first, which changes nothing for the test clients' values.
        curl_easy_setopt(c.get(), CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
        curl_easy_setopt(c.get(), CURLOPT_USERNAME, user.c_str());
        curl_easy_setopt(c.get(), CURLOPT_PASSWORD, password.c_str());
    }
    if (curl_easy_perform(c.get()) == CURLE_OK)
        curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &r.status);
    return r;
}

}  // namespace latchkey::interop
