#include "whoami.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>

#include "json.hpp"

namespace devserver {
namespace {

// The presented token: a Bearer token or, for API-key style clients, "X-API-Key: <t>".
std::string presented_token(const httplib::Request& req) {
    std::string token = bearer_token(req);
    return token.empty() ? httplib::detail::trim_copy(req.get_header_value("X-API-Key")) : token;
}

void write_optional(JsonWriter& w, const std::optional<std::string>& value) {
    if (value) {
        write_string(w, *value);
    } else {
        w.Null();
    }
}

void handle_whoami(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
    const std::string token = presented_token(req);
    const auto grant = token.empty() ? std::nullopt : ctx.tokens.lookup(token);
    if (!grant) {
        send_json(res, 401, [](JsonWriter& w) {
            w.StartObject();
            w.Key("error");
            w.String("invalid_token");
            w.EndObject();
        });
        res.set_header("WWW-Authenticate",
                       "Bearer realm=\"latchkey-devserver\", error=\"invalid_token\"");
        return;
    }
    send_json(res, 200, [&](JsonWriter& w) {
        w.StartObject();
        w.Key("client_id");
        write_string(w, grant->client_id);
        w.Key("scope");
        write_string(w, grant->scope);
        w.Key("audience");
        write_optional(w, grant->audience);
        // One resource is a string as requested; several (RFC 8707) become an array.
        w.Key("resource");
        if (grant->resources.empty()) {
            w.Null();
        } else if (grant->resources.size() == 1) {
            write_string(w, grant->resources.front());
        } else {
            w.StartArray();
            for (const auto& r : grant->resources) {
                write_string(w, r);
            }
            w.EndArray();
        }
        w.Key("expires_at");
        w.Int64(grant->expires_at);
        // The user a user-flow token acts for; null for a client's own token.
        w.Key("sub");
        write_optional(
            w, grant->subject.empty() ? std::nullopt : std::optional<std::string>(grant->subject));
        w.EndObject();
    });
}

}  // namespace

std::string bearer_token(const httplib::Request& req) {
    const std::string header = req.get_header_value("Authorization");
    constexpr std::string_view kScheme = "bearer ";
    if (header.size() > kScheme.size() &&
        std::equal(kScheme.begin(), kScheme.end(), header.begin(), [](char a, char b) {
            return a == std::tolower(static_cast<unsigned char>(b));
        })) {
        return httplib::detail::trim_copy(header.substr(kScheme.size()));
    }
    return "";
}

void register_whoami(httplib::Server& server, ServerContext& ctx) {
    server.Get("/api/whoami", [&ctx](const httplib::Request& req, httplib::Response& res) {
        handle_whoami(ctx, req, res);
    });
}

}  // namespace devserver
