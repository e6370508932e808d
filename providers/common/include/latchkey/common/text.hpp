// Small string and time helpers the built-in providers share.
#ifndef LATCHKEY_COMMON_TEXT_HPP
#define LATCHKEY_COMMON_TEXT_HPP

#include <charconv>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace latchkey::common {

inline bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Strips surrounding whitespace: values read from files end in a newline.
inline std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

// True when `s` holds a byte that must never reach an HTTP header line
// (CR/LF would let a value inject headers; other controls are never valid).
inline bool has_control_chars(std::string_view s) {
    for (unsigned char c : s)
        if (c < 0x20 || c == 0x7f) return true;
    return false;
}

// RFC 9110 §5.1 token characters: anything else cannot be a header name.
inline bool is_header_name(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
        if (!ok) return false;
    }
    return true;
}

// Replaces control characters with spaces: server-supplied text (an OAuth
// error_description, say) ends up in a terminal and must not drive it.
inline std::string printable(std::string_view s, size_t max_len = 300) {
    std::string out(s.substr(0, max_len));
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    if (s.size() > max_len) out += "...";
    return out;
}

inline bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

inline bool istarts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

// A non-negative decimal integer and nothing else, or nullopt.
inline std::optional<int64_t> parse_non_negative(std::string_view s) {
    s = trim(s);
    if (s.empty()) return std::nullopt;
    int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v < 0) return std::nullopt;
    return v;
}

// The latest instant an expiry may name: 9999-12-31T23:59:59.999Z. The host
// refuses anything later (and anything before 1970); providers check against
// it before they turn seconds into milliseconds, which could overflow.
inline constexpr int64_t kLatestUnixSeconds = 253402300799;
inline constexpr int64_t kLatestUnixMs = kLatestUnixSeconds * 1000 + 999;

// `seconds` after `now_ms`, in milliseconds, or nullopt when that is later
// than kLatestUnixMs (or `seconds` is negative). Never overflows.
inline std::optional<int64_t> ms_after(int64_t now_ms, int64_t seconds) {
    if (seconds < 0 || now_ms < 0 || now_ms > kLatestUnixMs ||
        seconds > (kLatestUnixMs - now_ms) / 1000)
        return std::nullopt;
    return now_ms + seconds * 1000;
}

// Unix seconds as ISO 8601 UTC ("2024-05-01T12:00:00Z"), for messages.
inline std::string format_utc(int64_t unix_seconds) {
    std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    char buf[32];
    if (!gmtime_r(&t, &tm) || !std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm))
        return std::to_string(unix_seconds) + " (Unix time)";
    return buf;
}

}  // namespace latchkey::common

#endif  // LATCHKEY_COMMON_TEXT_HPP
