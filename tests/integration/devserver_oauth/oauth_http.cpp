#include "oauth_http.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>

namespace latchkey::devtest {
namespace {

size_t append_body(char* data, size_t size, size_t n, void* user) {
    static_cast<std::string*>(user)->append(data, size * n);
    return size * n;
}

size_t collect_header(char* data, size_t size, size_t n, void* user) {
    const std::string line(data, size * n);
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(" \t"));
        value.erase(value.find_last_not_of(" \t\r\n") + 1);
        (*static_cast<std::map<std::string, std::string>*>(user))[name] = value;
    }
    return size * n;
}

std::string escape(const std::string& text) {
    char* out = curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size()));
    std::string escaped = out ? out : "";
    curl_free(out);
    return escaped;
}

std::string unescape(const std::string& text) {
    int len = 0;
    char* out = curl_easy_unescape(nullptr, text.data(), static_cast<int>(text.size()), &len);
    std::string plain = out ? std::string(out, static_cast<std::size_t>(len)) : "";
    curl_free(out);
    return plain;
}

}  // namespace

rapidjson::Document Response::json() const {
    rapidjson::Document d;
    d.Parse(body.c_str());
    if (d.HasParseError()) {
        d.SetNull();
    }
    return d;
}

std::string Response::str(const char* key) const {
    const auto d = json();
    if (!d.IsObject() || !d.HasMember(key) || !d[key].IsString()) {
        return "";
    }
    return d[key].GetString();
}

std::string Response::header(const std::string& lower_name) const {
    const auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
}

Response send(const Request& request) {
    Response r;
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    curl_slist* headers = nullptr;
    for (const auto& h : request.headers) {
        headers = curl_slist_append(headers, h.c_str());
    }
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 15000L);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.headers);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method != "GET") {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.c_str());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
    }
    if (!request.user.empty()) {
        curl_easy_setopt(c, CURLOPT_USERPWD, request.user.c_str());
    }
    if (!request.ca.empty()) {
        curl_easy_setopt(c, CURLOPT_CAINFO, request.ca.c_str());
    }
    if (!request.cert.empty()) {
        curl_easy_setopt(c, CURLOPT_SSLCERT, request.cert.c_str());
        curl_easy_setopt(c, CURLOPT_SSLKEY, request.key.c_str());
    }
    if (curl_easy_perform(c) == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    }
    curl_slist_free_all(headers);
    return r;
}

Response get(const std::string& url, const std::vector<std::string>& headers) {
    return send(Request{"GET", url, headers, "", "", "", "", ""});
}

Response post_form(const std::string& url, const Fields& fields,
                   const std::vector<std::string>& headers) {
    Request request{"POST", url, headers, form_encode(fields), "", "", "", ""};
    request.headers.push_back("Content-Type: application/x-www-form-urlencoded");
    return send(request);
}

Response post_json(const std::string& url, const std::string& json) {
    return send(Request{"POST", url, {"Content-Type: application/json"}, json, "", "", "", ""});
}

std::string form_encode(const Fields& fields) {
    std::string body;
    for (const auto& [name, value] : fields) {
        if (!body.empty()) {
            body += '&';
        }
        body += escape(name) + '=' + escape(value);
    }
    return body;
}

std::string query_param(const std::string& url, const std::string& name) {
    const auto q = url.find('?');
    if (q == std::string::npos) {
        return "";
    }
    std::string query = url.substr(q + 1);
    query = query.substr(0, query.find('#'));
    std::size_t start = 0;
    while (start <= query.size()) {
        const auto amp = query.find('&', start);
        const std::string pair = query.substr(start, amp == std::string::npos ? amp : amp - start);
        const auto eq = pair.find('=');
        if (pair.substr(0, eq) == name) {
            return eq == std::string::npos ? "" : unescape(pair.substr(eq + 1));
        }
        if (amp == std::string::npos) {
            break;
        }
        start = amp + 1;
    }
    return "";
}

}  // namespace latchkey::devtest
