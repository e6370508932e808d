#include "util/duration.hpp"

#include <cctype>
#include <charconv>

#include "util/strings.hpp"

namespace latchkey::util {

std::optional<int64_t> parse_duration_ms(std::string_view text, std::string* too_long) {
    std::string t = trim(text);
    if (t.empty()) return std::nullopt;
    auto longer = [&]() -> std::optional<int64_t> {
        if (too_long)
            *too_long = "\"" + t + "\" is longer than 365d, the longest duration accepted";
        return std::nullopt;
    };
    int64_t total = 0;
    size_t i = 0;
    // Accept compound forms such as "1h30m".
    while (i < t.size()) {
        int64_t n = 0;
        auto [p, ec] = std::from_chars(t.data() + i, t.data() + t.size(), n);
        if (ec == std::errc::result_out_of_range) return longer();
        if (ec != std::errc() || n < 0) return std::nullopt;
        i = static_cast<size_t>(p - t.data());
        std::string unit;
        while (i < t.size() && std::isalpha(static_cast<unsigned char>(t[i]))) unit += t[i++];
        int64_t scale;
        if (unit.empty() || unit == "s")
            scale = 1000;
        else if (unit == "ms")
            scale = 1;
        else if (unit == "m")
            scale = 60'000;
        else if (unit == "h")
            scale = 3'600'000;
        else if (unit == "d")
            scale = 86'400'000;
        else
            return std::nullopt;
        if (unit.empty() && i != t.size()) return std::nullopt;
        // Checked before multiplying: n * scale must not overflow, and each
        // part is at most the maximum, so the sum cannot either.
        if (n > kMaxDurationMs / scale) return longer();
        total += n * scale;
        if (total > kMaxDurationMs) return longer();
    }
    return total;
}

std::optional<double> parse_percent(std::string_view text) {
    std::string t = trim(text);
    if (t.size() < 2 || t.back() != '%') return std::nullopt;
    int n = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size() - 1, n);
    if (ec != std::errc() || p != t.data() + t.size() - 1 || n < 1 || n > 99) return std::nullopt;
    return n / 100.0;
}

}  // namespace latchkey::util
