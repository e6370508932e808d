// Durations in the policy: "90s", "5m", "1h", "250ms", or a plain number of seconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace latchkey::util {

std::optional<int64_t> parse_duration_ms(std::string_view text);
// "75%" -> 0.75; nullopt when not a percentage between 1 and 99.
std::optional<double> parse_percent(std::string_view text);

}  // namespace latchkey::util
