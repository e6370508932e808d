// The development authorization server (tools/devserver) as a test fixture:
// started on 127.0.0.1 with a free port, stopped when the object goes.
#pragma once

#include <rapidjson/document.h>

#include <memory>
#include <string>
#include <vector>

#include "process.hpp"

namespace latchkey::test {

class DevServer {
 public:
    // `args` are extra flags, e.g. {"--client", "demo:s3cret:read,write"}.
    explicit DevServer(const std::vector<std::string>& args = {"--client", "demo:s3cret"});
    ~DevServer();

    const std::string& url() const { return url_; }
    std::string token_url() const { return url_ + "/oauth2/token"; }

    // GET /admin/stats, parsed.
    rapidjson::Document stats() const;
    // Tokens issued to `client_id` so far.
    int issued(const std::string& client_id) const;
    // POST /admin/faults: mode "500" | "503" | "429" | "delay" | "malformed" | "html" |
    // "oversized" | "reset" | "none".
    void fault(const std::string& mode, int count = 1, int retry_after_s = 0,
               int delay_ms = 0) const;
    int stop();

 private:
    std::unique_ptr<Child> child_;
    std::string url_;
};

}  // namespace latchkey::test
