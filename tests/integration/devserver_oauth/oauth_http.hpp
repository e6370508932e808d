// HTTP calls the dev server tests make: any method, form bodies, extra headers, the
// response headers, and no redirect following (a 302 is what the tests look at).
#pragma once

#include <rapidjson/document.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace latchkey::devtest {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct Response {
    long status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  // names lower-cased

    // The body as JSON; a parse failure makes a null document (and the test sees it).
    rapidjson::Document json() const;
    // The string member `key` of the JSON body, or "" when absent.
    std::string str(const char* key) const;
    std::string header(const std::string& lower_name) const;
};

struct Request {
    std::string method = "GET";
    std::string url;
    std::vector<std::string> headers;  // "Name: value"
    std::string body;
    std::string user;  // "id:secret" for HTTP Basic, as curl encodes it
    // TLS: client certificate/key and the CA to trust (empty: none).
    std::string cert, key, ca;
};

Response send(const Request& request);
Response get(const std::string& url, const std::vector<std::string>& headers = {});
Response post_form(const std::string& url, const Fields& fields,
                   const std::vector<std::string>& headers = {});
Response post_json(const std::string& url, const std::string& json);

std::string form_encode(const Fields& fields);
// The query parameter `name` of `url` (decoded), or "" when absent.
std::string query_param(const std::string& url, const std::string& name);

}  // namespace latchkey::devtest
