// An HTTP server on 127.0.0.1 (a free port) for the tests of `latchkey
// curl`: it records every request it gets (method, path, headers, body) and
// answers 200 "ok" -- or 401, as an API whose token was revoked does, to an
// Authorization the dev server does not take (when told to check there) or
// other than the one it is told to accept. /missing answers 404, and
// /redirect 302 to the address it is given.
#pragma once

#include <httplib.h>

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace latchkey::itest {

struct Recorded {
    std::string method;
    std::string path;
    std::multimap<std::string, std::string> headers;
    std::string body;
    std::string header(const std::string& name) const;
};

class RecordingServer {
 public:
    RecordingServer();
    ~RecordingServer();

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    // Requests whose Authorization is not this are answered 401; unset: any is taken.
    void accept_only(const std::string& authorization);
    // Accepts what the dev server's /api/whoami at `devserver_url` accepts.
    void check_with(const std::string& devserver_url);
    void redirect_to(const std::string& url);
    // Runs `hook` when the next request arrives, before it is answered.
    void before_next_answer(std::function<void()> hook);
    std::vector<Recorded> requests() const;

 private:
    httplib::Server server_;
    int port_ = 0;
    std::thread thread_;
    mutable std::mutex mutex_;
    std::vector<Recorded> requests_;
    std::optional<std::string> accepted_;
    std::string checker_;
    std::string redirect_;
    std::function<void()> hook_;
};

}  // namespace latchkey::itest
