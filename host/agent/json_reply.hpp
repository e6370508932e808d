// JSON answers, written with RapidJSON.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <functional>
#include <latchkey/error.hpp>
#include <string>
#include <vector>

#include "http_server.hpp"

namespace latchkey::agent {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// A response with `status` and the JSON object `fill` writes members into.
Response json_response(http::status status, const std::function<void(JsonWriter&)>& fill);
// {"error": {"kind": KIND, "message": MESSAGE[, "exit_code": N]}}
Response json_error(http::status status, const std::string& kind, const std::string& message,
                    int exit_code = 1);
// A site's error: the same, plus "next_command" and "position" ({"file",
// "line","column"}) when it has them, so a client raises it as it would alone.
Response json_error(http::status status, const Error& e);

void put(JsonWriter& w, const char* key, const std::string& value);
void put(JsonWriter& w, const char* key, int64_t value);
// An array of strings (a site's extra_headers, "Name: value" lines).
void put(JsonWriter& w, const char* key, const std::vector<std::string>& values);

}  // namespace latchkey::agent
