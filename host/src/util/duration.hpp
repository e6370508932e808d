// Durations in the policy: "90s", "5m", "1h", "250ms", or a plain number of seconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace latchkey::util {

// The longest duration a policy may give (365 days): far beyond any timeout,
// refresh window or token lifetime, and small enough that adding it to any
// time of day never overflows.
inline constexpr int64_t kMaxDurationMs = 365LL * 86'400'000;

// `text` in milliseconds; nullopt when it is not a duration, or when it is
// one longer than kMaxDurationMs: then `too_long` (when given) says so, e.g.
// "\"9223372036854776s\" is longer than 365d, the longest duration accepted".
std::optional<int64_t> parse_duration_ms(std::string_view text, std::string* too_long = nullptr);
// "75%" -> 0.75; nullopt when not a percentage between 1 and 99.
std::optional<double> parse_percent(std::string_view text);

}  // namespace latchkey::util
