// Host-wide services shared by every provider instance.
#pragma once

#include <functional>
#include <string>

#include "bridge/interaction.hpp"
#include "http/http_client.hpp"
#include "latchkey/host.hpp"
#include "util/redactor.hpp"

namespace latchkey::bridge {

struct Services {
    util::Redactor redactor;
    http::Client http;
    Interaction* interaction = nullptr;
    LogLevel log_level = LogLevel::warn;
    std::function<void(LogLevel, const std::string&)> log_sink;
    // Told before a provider waits up to `ms` in a host service (an HTTP
    // request, a sleep): a provider helper process says it is busy, not hung.
    std::function<void(int64_t ms)> on_wait;

    // Redacts, then writes when `level` passes the threshold.
    void log(LogLevel level, const std::string& message) const;
};

}  // namespace latchkey::bridge
