// Injected failures for /oauth2/token, armed through POST /admin/faults, so tests can
// drive a client through the error paths real authorization servers produce.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace devserver {

enum class FaultMode { none, http500, http503, http429, delay, malformed, html, oversized, reset };

const char* fault_mode_name(FaultMode mode);

struct Fault {
    FaultMode mode = FaultMode::none;
    std::int64_t count = 1;  // requests left to fault; -1 = until cleared
    int retry_after = 1;     // seconds, for 429
    // Retry-After as an HTTP-date (now + retry_after) instead of delta-seconds.
    bool retry_after_date = false;
    int delay_ms = 1000;     // for delay
};

// Parses the JSON body of POST /admin/faults. On error returns a message for the caller.
std::variant<Fault, std::string> parse_fault_request(std::string_view body);

// The one armed fault, shared by every handler thread.
class FaultBoard {
 public:
    void arm(const Fault& fault);  // replaces whatever was armed; mode none clears
    void clear();
    // Consumes one use of the armed fault for the current token request, if any.
    std::optional<Fault> take();

 private:
    std::mutex mutex_;
    Fault armed_;
};

// Applies `fault` to the token response. Returns true when the fault produced the whole
// outcome; false (delay) when the caller should go on to answer normally.
bool apply_fault(const Fault& fault, const httplib::Request& req, httplib::Response& res);

}  // namespace devserver
