#include "request_target.hpp"

#include <latchkey/admin.hpp>
#include <latchkey/common/bounded_json.hpp>

namespace latchkey::agent {

std::optional<std::string> Target::get(const std::string& key) const {
    auto it = query.find(key);
    if (it == query.end()) return std::nullopt;
    return it->second;
}

std::optional<Target> parse_target(std::string_view target, std::string& why) {
    Target out;
    auto q = target.find('?');
    out.path = std::string(target.substr(0, q));
    if (out.path.empty() || out.path[0] != '/') {
        why = "the request target must be a path such as /v1/token";
        return std::nullopt;
    }
    if (q == std::string_view::npos) return out;
    for (auto& pair : admin::split(target.substr(q + 1), "&")) {
        auto eq = pair.find('=');
        std::string key = pair.substr(0, eq);
        std::string value = eq == std::string::npos ? "" : pair.substr(eq + 1);
        if (pair.find_first_of("%+") != std::string::npos) {
            why = "query parameter '" + admin::printable(key) +
                  "' is percent-encoded; site names and durations need no encoding";
            return std::nullopt;
        }
        if (!out.query.emplace(key, value).second) {
            why = "query parameter '" + admin::printable(key) + "' is given twice";
            return std::nullopt;
        }
    }
    return out;
}

std::optional<std::string> refused_token(const std::string& body, std::string& why) {
    if (body.empty()) return std::string();
    rapidjson::Document doc;
    if (auto e = common::parse_bounded_json(doc, body); e || !doc.IsObject()) {
        why = "the body must be a JSON object such as {\"token\": \"...\"}";
        return std::nullopt;
    }
    auto it = doc.FindMember("token");
    if (it == doc.MemberEnd()) return std::string();
    if (!it->value.IsString()) {
        why = "\"token\" must be a string";
        return std::nullopt;
    }
    return std::string(it->value.GetString(), it->value.GetStringLength());
}

}  // namespace latchkey::agent
