#include "vendor_support.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>
#include <vector>

#include "json.hpp"

namespace devserver::vendor {

std::string setting_or(const ServerContext& ctx, const std::string& key, std::string fallback) {
    const auto it = ctx.settings.find(key);
    return it == ctx.settings.end() ? std::move(fallback) : it->second;
}

std::optional<std::string> authorization(const httplib::Request& req, std::string_view scheme) {
    if (!req.has_header("Authorization")) {
        return std::nullopt;
    }
    const std::string header = req.get_header_value("Authorization");
    if (header.size() <= scheme.size() || header[scheme.size()] != ' ' ||
        !std::equal(scheme.begin(), scheme.end(), header.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) ==
                   std::tolower(static_cast<unsigned char>(b));
        })) {
        return std::nullopt;
    }
    return httplib::detail::trim_copy(header.substr(scheme.size() + 1));
}

std::string ReplyMode::get() const {
    std::lock_guard lock(mutex_);
    return mode_;
}

void ReplyMode::set(std::string mode) {
    std::lock_guard lock(mutex_);
    mode_ = std::move(mode);
}

void install_reply_switch(httplib::Server& server, const std::string& path, ReplyMode& mode,
                          std::initializer_list<const char*> modes) {
    std::vector<std::string> allowed(modes.begin(), modes.end());
    server.Post(path, [&mode, allowed](const httplib::Request& req, httplib::Response& res) {
        rapidjson::Document doc;
        doc.Parse(req.body.c_str());
        const bool has_reply = !doc.HasParseError() && doc.IsObject() && doc.HasMember("reply") &&
                               doc["reply"].IsString();
        const std::string wanted = has_reply ? doc["reply"].GetString() : "";
        if (std::find(allowed.begin(), allowed.end(), wanted) == allowed.end()) {
            send_oauth_error(res, 400, "invalid_request", "unknown reply mode");
            return;
        }
        mode.set(wanted);
        send_json(res, 200, [&](JsonWriter& w) {
            w.StartObject();
            w.Key("reply");
            write_string(w, wanted);
            w.EndObject();
        });
    });
}

}  // namespace devserver::vendor
