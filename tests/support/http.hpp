// Minimal HTTP calls for tests (admin endpoints of the dev server).
#pragma once

#include <string>

namespace latchkey::test {

struct HttpResult {
    long status = 0;
    std::string body;
};

HttpResult http_get(const std::string& url, const std::string& header = "");
HttpResult http_post_json(const std::string& url, const std::string& json);

}  // namespace latchkey::test
