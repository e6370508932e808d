#include "util/timestamps.hpp"

#include <ctime>
#include <iomanip>
#include <locale>
#include <sstream>

#include "credential/credential_check.hpp"

namespace latchkey::util {

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

namespace {

// std::get_time / std::put_time in the classic locale: day and month names
// are English whatever the process's locale says.
std::optional<std::tm> read_tm(std::string_view text, const char* format) {
    std::istringstream in{std::string(text)};
    in.imbue(std::locale::classic());
    std::tm tm{};
    in >> std::get_time(&tm, format);
    if (in.fail()) return std::nullopt;
    in >> std::ws;
    if (!in.eof()) return std::nullopt;  // trailing text
    return tm;
}

std::optional<int64_t> in_range_ms(int64_t seconds) {
    if (seconds < 0 || seconds > credential::kLatestTimeMs / 1000) return std::nullopt;
    return seconds * 1000;
}

std::optional<std::tm> utc_fields(int64_t unix_ms) {
    if (!credential::time_in_range(unix_ms)) return std::nullopt;
    std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
    std::tm tm{};
    if (!gmtime_r(&t, &tm)) return std::nullopt;
    return tm;
}

}  // namespace

std::optional<int64_t> parse_http_date_ms(std::string_view text) {
    // The obsolete forms differ from the IMF-fixdate at a fixed place: RFC
    // 850 spells the weekday out and puts dashes in the date, asctime has
    // no comma at all.
    std::optional<std::tm> tm;
    if (text.find(',') == std::string_view::npos) {
        tm = read_tm(text, "%a %b %d %H:%M:%S %Y");
    } else if (text.find('-') != std::string_view::npos) {
        tm = read_tm(text, "%A, %d-%b-%y %H:%M:%S GMT");
        // RFC 9110: a two-digit year more than 50 years in the future is in
        // the past century; get_time's %y already maps 69..99 to 19xx.
    } else {
        tm = read_tm(text, "%a, %d %b %Y %H:%M:%S GMT");
    }
    if (!tm || tm->tm_sec > 60) return std::nullopt;
    if (tm->tm_sec == 60) tm->tm_sec = 59;
    int day = tm->tm_mday, month = tm->tm_mon;
    std::time_t seconds = timegm(&*tm);
    // timegm normalises 31 Feb into March: such a date is not a date.
    if (tm->tm_mday != day || tm->tm_mon != month) return std::nullopt;
    return in_range_ms(static_cast<int64_t>(seconds));
}

std::optional<std::string> format_rfc3339(int64_t unix_ms) {
    auto tm = utc_fields(unix_ms);
    if (!tm) return std::nullopt;
    char buf[40];
    size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &*tm);
    if (!n) return std::nullopt;
    std::string out(buf, n);
    if (int ms = static_cast<int>(unix_ms % 1000)) {
        char frac[8];
        std::snprintf(frac, sizeof frac, ".%03d", ms);
        out += frac;
    }
    return out + "Z";
}

std::optional<std::string> format_http_date(int64_t unix_ms) {
    auto tm = utc_fields(unix_ms);
    if (!tm) return std::nullopt;
    std::ostringstream out;
    out.imbue(std::locale::classic());
    out << std::put_time(&*tm, "%a, %d %b %Y %H:%M:%S GMT");
    return out.str();
}

}  // namespace latchkey::util
