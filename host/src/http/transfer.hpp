// One HTTP request whose answer is streamed to the caller rather than
// collected (`latchkey curl`): any method, the caller's headers, the status
// line and header lines of the answer handed over before its body. Sent by
// the HTTP module with the same rules as every other request (http or https
// only, plain http only to this machine unless the caller says otherwise,
// no redirect followed, the site's CA bundle and timeout).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/http_client.hpp"

namespace latchkey::http {

struct Transfer {
    std::string method;  // "" = GET, or POST when there is a body
    std::string url;
    std::vector<std::string> headers;  // "Name: value" lines
    std::optional<std::string> body;
    int64_t timeout_ms = 10'000;
    std::string ca_file;               // "" = the system's CAs
    bool plain_http_anywhere = false;  // plain http to any address, not only this machine
    // The final answer's status and its header lines as received (the
    // status line first, without line ends), before any of its body. Called
    // once; never for a 1xx interim answer. Must not throw.
    std::function<void(long status, const std::vector<std::string>& lines)> on_head;
    // Body bytes as they arrive; false stops the transfer. Must not throw.
    std::function<bool(std::string_view chunk)> on_body;
};

// The final answer's status, or nullopt and `failure` (never the request's
// headers or body in its message).
std::optional<long> transfer(const Transfer& t, Failure& failure);

// The HTTP module's implementation of transfer() (libcurl).
std::optional<long> transfer_with_curl(const Transfer& t, Failure& failure);

}  // namespace latchkey::http
