#include "admin_json.hpp"

#include <rapidjson/error/en.h>

#include "json.hpp"

namespace devserver {

bool read_admin_json(const httplib::Request& req, httplib::Response& res,
                     rapidjson::Document& out) {
    if (req.body.empty()) {
        out.SetObject();
        return true;
    }
    out.Parse(req.body.c_str(), req.body.size());
    if (out.HasParseError() || !out.IsObject()) {
        send_oauth_error(res, 400, "invalid_request",
                         out.HasParseError() ? std::string("body is not JSON: ") +
                                                   rapidjson::GetParseError_En(out.GetParseError())
                                             : std::string("body must be a JSON object"));
        return false;
    }
    return true;
}

std::optional<std::string> json_member(const rapidjson::Value& obj, const char* key) {
    const auto it = obj.FindMember(key);
    if (it == obj.MemberEnd() || !it->value.IsString()) {
        return std::nullopt;
    }
    return std::string(it->value.GetString(), it->value.GetStringLength());
}

void send_admin_ok(httplib::Response& res) {
    send_json(res, 200, [](JsonWriter& w) {
        w.StartObject();
        w.Key("ok");
        w.Bool(true);
        w.EndObject();
    });
}

}  // namespace devserver
