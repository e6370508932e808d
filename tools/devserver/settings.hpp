// Typed reads of the --setting KEY=VALUE pairs. The OAuth modules' keys are checked once
// at start-up (check_settings), so a typo in a number fails the launch, not a request.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "context.hpp"

namespace devserver {

// nullptr when the key is not set.
const std::string* setting(const ServerContext& ctx, const std::string& key);
// "true"/"false" (also 1/0, yes/no); `fallback` when not set.
bool setting_flag(const ServerContext& ctx, const std::string& key, bool fallback);
// A non-negative number of seconds, fractions allowed ("0.2"); `fallback` when not set.
double setting_seconds(const ServerContext& ctx, const std::string& key, double fallback);

// Checks the format of every setting this server reads. Returns a message on error.
std::optional<std::string> check_settings(const std::map<std::string, std::string>& settings);

}  // namespace devserver
