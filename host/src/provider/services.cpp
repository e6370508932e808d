#include "provider/services.hpp"

#include <iostream>

#include "util/printable.hpp"

namespace latchkey::provider {

namespace {
thread_local RequestWatch* active_watch = nullptr;
}  // namespace

WatchRequests::WatchRequests(RequestWatch& watch) : previous_(active_watch) {
    active_watch = &watch;
}

WatchRequests::~WatchRequests() { active_watch = previous_; }

std::optional<http::Response> Services::send(const latchkey_http_request& req, int64_t timeout_ms,
                                             http::Failure& failure,
                                             const std::string& ca_file) const {
    RequestWatch* watch = active_watch;
    if (watch && watch->timeout_ms > timeout_ms) timeout_ms = watch->timeout_ms;
    http::Delivery delivery = http::Delivery::none;
    auto resp = http.send(req, timeout_ms, failure, ca_file, &delivery);
    if (!watch) return resp;
    // GET and HEAD are safe to repeat (RFC 9110 9.2.1): fetching discovery
    // twice harms nobody. Anything else may have spent what it carried.
    std::string method = req.method ? req.method : "GET";
    if (method == "GET" || method == "HEAD") return resp;
    if (!resp && delivery == http::Delivery::possible) {
        watch->unanswered = true;
        watch->unanswered_reason = redactor.redact(failure.message);
    } else if (resp && resp->status == 504) {
        // A gateway passed the request on and gave up waiting for the answer.
        watch->unanswered = true;
        watch->unanswered_reason = std::string(req.url ? req.url : "") +
                                   " answered HTTP 504 (a gateway timed out waiting for it)";
        watch->unanswered_reason = redactor.redact(watch->unanswered_reason);
    } else if (resp && resp->status >= 200 && resp->status <= 299) {
        watch->accepted = true;
    }
    return resp;
}

void Services::log(LogLevel level, const std::string& message) const {
    if (static_cast<int>(level) < static_cast<int>(log_level)) return;
    std::string line = redactor.redact(message);
    if (log_sink) {
        log_sink(level, line);
        return;
    }
    static const char* names[] = {"debug", "info", "warning", "error"};
    // A log line carries what servers and plugins said: no terminal controls.
    std::cerr << "latchkey: " << names[static_cast<int>(level)] << ": " << util::printable(line)
              << std::endl;
}

namespace cb {
// URL-encoding through libcurl (in the HTTP module), the same code that sends the request.
void url_encode(void*, const char* text, latchkey_sink sink, void* user) {
    std::string out = http::url_encode(text ? text : "");
    sink(user, out.data(), out.size());
}
}  // namespace cb

}  // namespace latchkey::provider
