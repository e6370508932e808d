#include "json_reply.hpp"

#include <boost/beast/http/field.hpp>

namespace latchkey::agent {

void put(JsonWriter& w, const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void put(JsonWriter& w, const char* key, int64_t value) {
    w.Key(key);
    w.Int64(value);
}

void put(JsonWriter& w, const char* key, const std::vector<std::string>& values) {
    w.Key(key);
    w.StartArray();
    for (auto& v : values) w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
    w.EndArray();
}

Response json_response(http::status status, const std::function<void(JsonWriter&)>& fill) {
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    fill(w);
    w.EndObject();
    Response res(status, 11);
    res.set(http::field::content_type, "application/json");
    res.set(http::field::cache_control, "no-store");
    res.body().assign(buf.GetString(), buf.GetSize());
    return res;
}

namespace {

Response error_response(http::status status, const std::string& kind, const std::string& message,
                        int exit_code, const Error* details) {
    return json_response(status, [&](JsonWriter& w) {
        w.Key("error");
        w.StartObject();
        put(w, "kind", kind);
        put(w, "message", message);
        put(w, "exit_code", exit_code);
        if (details && !details->next_command().empty())
            put(w, "next_command", details->next_command());
        if (const PolicyPosition* at = details ? details->position() : nullptr) {
            w.Key("position");
            w.StartObject();
            put(w, "file", at->file);
            put(w, "line", int64_t{at->line});
            put(w, "column", int64_t{at->column});
            w.EndObject();
        }
        w.EndObject();
    });
}

}  // namespace

Response json_error(http::status status, const std::string& kind, const std::string& message,
                    int exit_code) {
    return error_response(status, kind, message, exit_code, nullptr);
}

Response json_error(http::status status, const Error& e) {
    return error_response(status, to_string(e.kind()), e.what(), e.exit_code(), &e);
}

}  // namespace latchkey::agent
