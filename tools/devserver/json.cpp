#include "json.hpp"

namespace devserver {

std::string make_json(const std::function<void(JsonWriter&)>& build) {
    rapidjson::StringBuffer buffer;
    JsonWriter writer(buffer);
    build(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

void send_json(httplib::Response& res, int status, const std::function<void(JsonWriter&)>& build) {
    res.status = status;
    res.set_content(make_json(build), "application/json");
}

void send_oauth_error(httplib::Response& res, int status, std::string_view error,
                      std::string_view description) {
    send_json(res, status, [&](JsonWriter& w) {
        w.StartObject();
        w.Key("error");
        write_string(w, error);
        if (!description.empty()) {
            w.Key("error_description");
            write_string(w, description);
        }
        w.EndObject();
    });
}

void write_string(JsonWriter& w, std::string_view s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

}  // namespace devserver
