// Reading the small JSON bodies of the /admin/* endpoints.
#pragma once

#include <httplib.h>
#include <rapidjson/document.h>

#include <optional>
#include <string>

#include "json.hpp"

namespace devserver {

// Parses `body` as a JSON object; an empty body is an empty object. On error answers 400
// invalid_request and returns false.
bool read_admin_json(const httplib::Request& req, httplib::Response& res, rapidjson::Document& out);

// The string member `key`, or nullopt when absent or not a string.
std::optional<std::string> json_member(const rapidjson::Value& obj, const char* key);

// {"ok": true}.
void send_admin_ok(httplib::Response& res);

// {"pending": [...]} with one object per item, its members written by `write_members`.
template <typename Items, typename WriteMembers>
void send_pending_list(httplib::Response& res, const Items& items, WriteMembers write_members) {
    send_json(res, 200, [&](JsonWriter& w) {
        w.StartObject();
        w.Key("pending");
        w.StartArray();
        for (const auto& item : items) {
            w.StartObject();
            write_members(w, item);
            w.EndObject();
        }
        w.EndArray();
        w.EndObject();
    });
}

}  // namespace devserver
