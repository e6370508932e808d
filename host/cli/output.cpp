#include "output.hpp"

#include <algorithm>
#include <ctime>
#include <iostream>
#include <latchkey/admin.hpp>

namespace latchkey::cli {

void Json::key_string(const char* k, const std::string& v) {
    w_.Key(k);
    w_.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
}
void Json::key_int(const char* k, int64_t v) {
    w_.Key(k);
    w_.Int64(v);
}
void Json::key_bool(const char* k, bool v) {
    w_.Key(k);
    w_.Bool(v);
}
void Json::print() { std::cout << buf_.GetString() << std::endl; }

std::string display(std::string_view text) {
    return admin::printable(admin::without_url_passwords(text));
}

std::string human_duration(int64_t ms) {
    bool past = ms < 0;
    int64_t s = (past ? -ms : ms) / 1000;
    std::string out;
    int64_t d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60, sec = s % 60;
    if (d)
        out = std::to_string(d) + "d " + std::to_string(h) + "h";
    else if (h)
        out = std::to_string(h) + "h " + std::to_string(m) + "m";
    else if (m)
        out = std::to_string(m) + "m " + std::to_string(sec) + "s";
    else
        out = std::to_string(sec) + "s";
    return past ? out + " ago" : out;
}

std::string iso_time(int64_t unix_ms) {
    std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

void print_table(const std::vector<std::vector<std::string>>& raw_rows) {
    std::vector<std::vector<std::string>> rows;
    for (auto& r : raw_rows) {
        rows.emplace_back();
        for (auto& cell : r) rows.back().push_back(display(cell));
    }
    std::vector<size_t> width;
    for (auto& r : rows)
        for (size_t i = 0; i < r.size(); ++i) {
            if (width.size() <= i) width.push_back(0);
            width[i] = std::max(width[i], r[i].size());
        }
    for (auto& r : rows) {
        std::string line;
        for (size_t i = 0; i < r.size(); ++i) {
            line += r[i];
            if (i + 1 < r.size()) line += std::string(width[i] - r[i].size() + 2, ' ');
        }
        std::cout << line << "\n";
    }
    std::cout.flush();
}

}  // namespace latchkey::cli
