// What an HTTP answer's status means to the host (the http_error service):
// the error category, a message, and how long the server asked to wait.
// The table is documented for plugin authors in docs/writing-providers.md.
#pragma once

#include <latchkey/provider.h>

#include <cstdint>
#include <optional>
#include <string>

namespace latchkey::abi {

struct HttpVerdict {
    latchkey_status status = LATCHKEY_OK;  // OK for a 2xx
    std::string message;                   // "" for a 2xx
    int64_t retry_after_ms = 0;            // transient only; 0 = no advice
};

// `status` and `retry_after` (the header's value, or null) of an answer from
// `what`, at `now_ms`.
HttpVerdict http_verdict(long status, const char* retry_after, const std::string& what,
                         int64_t now_ms);

// A Retry-After value (delta-seconds or an HTTP-date) as a wait from
// `now_ms`, capped at a day; nullopt when it is neither.
std::optional<int64_t> retry_after_wait_ms(const std::string& value, int64_t now_ms);

}  // namespace latchkey::abi
