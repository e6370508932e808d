// The document behind the JSON host service (latchkey_json): parsed once
// with the caps every document from outside gets (bounded_json.hpp), then
// read by JSON Pointer. Every failure comes back as a message that names the
// pointer or the byte offset and never quotes the document: it may hold a
// secret.
#pragma once

#include <latchkey/provider.h>
#include <rapidjson/document.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace latchkey::abi {

class JsonDocument {
 public:
    // The document in `text`, or nullptr with `why` set.
    static std::unique_ptr<JsonDocument> parse(std::string_view text, std::string& why);

    latchkey_json_type type(const char* pointer) const;
    size_t size(const char* pointer) const;
    // Each: the value, or nullopt with `why` naming the pointer and what was there.
    std::optional<std::string> string(const char* pointer, std::string& why) const;
    std::optional<double> number(const char* pointer, std::string& why) const;
    std::optional<int64_t> integer(const char* pointer, std::string& why) const;
    std::optional<bool> boolean(const char* pointer, std::string& why) const;
    std::optional<std::string> key(const char* pointer, size_t index, std::string& why) const;
    std::optional<std::string> text(const char* pointer, std::string& why) const;

 private:
    // The value at `pointer`, or nullptr (with `why` when `want` is named).
    const rapidjson::Value* find(const char* pointer) const;
    const rapidjson::Value* expect(const char* pointer, latchkey_json_type want,
                                   std::string& why) const;

    rapidjson::Document doc_;
};

// `text` as one JSON string literal, or nullopt when it is not valid UTF-8.
std::optional<std::string> json_quote(std::string_view text);

// `text` parsed with the same caps and written back compact, or nullopt with
// `why` (a typed extra, a JWT header or claims set).
std::optional<std::string> compact_json(std::string_view text, std::string& why);

// The name of a JSON type for messages ("a string", "nothing").
const char* json_type_name(latchkey_json_type type);

}  // namespace latchkey::abi
