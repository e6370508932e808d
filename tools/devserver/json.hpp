// Small helpers so every handler produces JSON through RapidJSON the same way.
#pragma once

#include <httplib.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <functional>
#include <string>
#include <string_view>

namespace devserver {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// Runs `build` against a fresh writer and returns the document text.
std::string make_json(const std::function<void(JsonWriter&)>& build);

// Sets status, Content-Type: application/json and the body produced by `build`.
void send_json(httplib::Response& res, int status, const std::function<void(JsonWriter&)>& build);

// RFC 6749 §5.2 error body: {"error": ..., "error_description": ...}.
// An empty description is left out, as the RFC makes it optional.
void send_oauth_error(httplib::Response& res, int status, std::string_view error,
                      std::string_view description = {});

// Length-aware string write, so values with embedded NULs survive intact.
void write_string(JsonWriter& w, std::string_view s);

}  // namespace devserver
