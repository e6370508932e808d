// Host-wide services shared by every provider instance.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "http/http_client.hpp"
#include "latchkey/host.hpp"
#include "provider/interaction.hpp"
#include "util/redactor.hpp"

namespace latchkey::provider {

// What the host's HTTP service saw of the provider calls made on one thread
// while a WatchRequests lives there. The host sends every request itself, so
// it alone knows whether one that failed may have reached its server.
struct RequestWatch {
    // When above 0: the timeout of every request (at least what the
    // provider asked for), e.g. a refresh's own, longer one.
    int64_t timeout_ms = 0;
    // A request that changes state at the server (any method but GET and
    // HEAD) may have reached it, and no answer came back: a transport
    // failure after the connection was up, or a gateway's 504.
    bool unanswered = false;
    std::string unanswered_reason;  // redacted
    // Such a request was answered with a 2xx: the server acted on it, even
    // if the provider could not make sense of the answer.
    bool accepted = false;
};

// Installs `watch` for this thread's provider calls until destroyed.
class WatchRequests {
 public:
    explicit WatchRequests(RequestWatch& watch);
    ~WatchRequests();
    WatchRequests(const WatchRequests&) = delete;
    WatchRequests& operator=(const WatchRequests&) = delete;

 private:
    RequestWatch* previous_;
};

struct Services {
    util::Redactor redactor{http::url_password};  // URL passwords found by libcurl
    http::Client http;
    Interaction* interaction = nullptr;
    LogLevel log_level = LogLevel::warn;
    std::function<void(LogLevel, const std::string&)> log_sink;
    // Told before a provider waits up to `ms` in a host service (an HTTP
    // request, a sleep): a provider helper process says it is busy, not hung.
    std::function<void(int64_t ms)> on_wait;

    // Redacts, then writes when `level` passes the threshold.
    void log(LogLevel level, const std::string& message) const;

    // A provider's request, through `http`, with this thread's RequestWatch
    // (if any) applied and told what happened. Arguments as http::Client::send.
    std::optional<http::Response> send(const latchkey_http_request& req, int64_t timeout_ms,
                                       http::Failure& failure, const std::string& ca_file) const;
};

}  // namespace latchkey::provider
