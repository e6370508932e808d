// Text and JSON output for the command line. JSON goes through RapidJSON.
#pragma once

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <cstdint>
#include <string>
#include <vector>

namespace latchkey::cli {

enum class Format { text, json };

using JsonWriter = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

// Builds one JSON document; print() writes it to standard output.
class Json {
 public:
    Json() : w_(buf_) {}
    JsonWriter& w() { return w_; }
    void key_string(const char* k, const std::string& v);
    void key_int(const char* k, int64_t v);
    void key_bool(const char* k, bool v);
    void print();

 private:
    rapidjson::StringBuffer buf_;
    JsonWriter w_;
};

// "59m 58s", "2h 5m", "3d 4h"; negative durations as "... ago".
std::string human_duration(int64_t ms);
// 2026-11-22T10:03:17Z
std::string iso_time(int64_t unix_ms);
// Pads columns of rows for a readable table.
void print_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace latchkey::cli
