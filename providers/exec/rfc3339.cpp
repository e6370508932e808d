#include "rfc3339.hpp"

#include <ctime>

namespace latchkey::exec {

namespace {

// Reads exactly `n` digits at `pos`; advances `pos` on success.
std::optional<int> digits(std::string_view s, size_t& pos, size_t n) {
    if (pos + n > s.size()) return std::nullopt;
    int v = 0;
    for (size_t i = 0; i < n; ++i) {
        char c = s[pos + i];
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    pos += n;
    return v;
}

bool expect(std::string_view s, size_t& pos, char c) {
    if (pos >= s.size() || s[pos] != c) return false;
    ++pos;
    return true;
}

bool leap_year(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap_year(y) ? 29 : days[m - 1];
}

}  // namespace

std::optional<int64_t> parse_rfc3339_ms(std::string_view s) {
    size_t pos = 0;
    auto year = digits(s, pos, 4);
    if (!year || !expect(s, pos, '-')) return std::nullopt;
    auto month = digits(s, pos, 2);
    if (!month || !expect(s, pos, '-')) return std::nullopt;
    auto day = digits(s, pos, 2);
    if (!day || pos >= s.size()) return std::nullopt;
    char sep = s[pos++];
    if (sep != 'T' && sep != 't' && sep != ' ') return std::nullopt;
    auto hour = digits(s, pos, 2);
    if (!hour || !expect(s, pos, ':')) return std::nullopt;
    auto minute = digits(s, pos, 2);
    if (!minute || !expect(s, pos, ':')) return std::nullopt;
    auto second = digits(s, pos, 2);
    if (!second) return std::nullopt;

    int millis = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        size_t first = pos;
        int scale = 100;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            millis += (s[pos] - '0') * scale;  // digits past the third add nothing
            scale /= 10;
            ++pos;
        }
        if (pos == first) return std::nullopt;
    }

    int offset_minutes = 0;
    if (pos >= s.size()) return std::nullopt;
    char zone = s[pos++];
    if (zone == '+' || zone == '-') {
        auto oh = digits(s, pos, 2);
        if (!oh || !expect(s, pos, ':')) return std::nullopt;
        auto om = digits(s, pos, 2);
        if (!om || *oh > 23 || *om > 59) return std::nullopt;
        offset_minutes = (zone == '+' ? 1 : -1) * (*oh * 60 + *om);
    } else if (zone != 'Z' && zone != 'z') {
        return std::nullopt;
    }
    if (pos != s.size()) return std::nullopt;

    if (*month < 1 || *month > 12 || *day < 1 || *day > days_in_month(*year, *month) ||
        *hour > 23 || *minute > 59 || *second > 60)
        return std::nullopt;

    std::tm tm{};
    tm.tm_year = *year - 1900;
    tm.tm_mon = *month - 1;
    tm.tm_mday = *day;
    tm.tm_hour = *hour;
    tm.tm_min = *minute;
    tm.tm_sec = *second == 60 ? 59 : *second;
    // timegm reads the fields as UTC; the offset is then taken away by hand.
    int64_t seconds = static_cast<int64_t>(timegm(&tm)) - int64_t{offset_minutes} * 60;
    return seconds * 1000 + millis;
}

}  // namespace latchkey::exec
