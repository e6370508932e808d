// Reading the small JSON bodies of the /admin/* endpoints.
#pragma once

#include <httplib.h>
#include <rapidjson/document.h>

#include <optional>
#include <string>

namespace devserver {

// Parses `body` as a JSON object; an empty body is an empty object. On error answers 400
// invalid_request and returns false.
bool read_admin_json(const httplib::Request& req, httplib::Response& res, rapidjson::Document& out);

// The string member `key`, or nullopt when absent or not a string.
std::optional<std::string> json_member(const rapidjson::Value& obj, const char* key);

// {"ok": true}.
void send_admin_ok(httplib::Response& res);

}  // namespace devserver
