// Text and JSON output for the command line. JSON goes through RapidJSON.
#pragma once

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <cstdint>
#include <latchkey/admin.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace latchkey::cli {

enum class Format { text, json };

// ASCII output: every character outside ASCII is written as \uXXXX, so JSON
// on a terminal carries no raw control character either (RapidJSON escapes
// C0 controls in any case; this also covers C1 controls such as U+009B).
using JsonWriter =
    rapidjson::PrettyWriter<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::ASCII<>>;

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

// `text` with the password of any URL in it replaced by "****": for JSON output.
using admin::without_url_passwords;

// Text as the text output shows it: the password of any URL in it masked
// and every control character escaped (admin::printable), so a value from a server, a plugin, a
// file or the policy can neither reveal a password nor drive the terminal.
// Every value and message of the text output goes through it; JSON output is
// escaped by RapidJSON.
std::string display(std::string_view text);

// "59m 58s", "2h 5m", "3d 4h"; negative durations as "... ago".
std::string human_duration(int64_t ms);
// 2026-11-22T10:03:17Z
std::string iso_time(int64_t unix_ms);
// Pads columns of rows for a readable table; each cell goes through display().
void print_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace latchkey::cli
