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

    // Redacts, then writes when `level` passes the threshold.
    void log(LogLevel level, const std::string& message) const;
};

}  // namespace latchkey::bridge
