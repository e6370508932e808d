// An Anaconda-style API key service, so the anaconda provider is tested
// against the real protocol:
//   POST /api/auth/api-keys  Authorization: Bearer <access token from this
//        server's token store>, JSON {"scopes": [...], "tags": [...]}
//        -> 201 {"id": ..., "api_key": <JWT, HS256, with exp>, "expires_at": ...}
//   POST /api/iam/api-keys   the same, at the older address some servers still
//        use; which of the two answer (the other is 404) is
//        --setting anaconda.api_keys_at=auth|iam|both (default auth)
//   GET  /api/account        Authorization: Bearer <API key> -> 200 {"user": ...}
// Knobs: --setting anaconda.key_lifetime=SECONDS (default a year). POST
// /admin/anaconda {"reply": "normal" | "opaque_key"} makes the next keys plain
// strings instead of JWTs. Counter in /admin/stats: anaconda.api_keys.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <rapidjson/document.h>

#include <array>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "base64.hpp"
#include "json.hpp"
#include "routes.hpp"
#include "settings.hpp"
#include "tokens.hpp"
#include "vendor_support.hpp"

namespace devserver {
namespace {

constexpr std::int64_t kYear = 365 * 24 * 3600;

vendor::ReplyMode reply_mode;

// The key that signs this process's API keys; a new one per server run.
const std::array<unsigned char, 32>& signing_key() {
    static const std::array<unsigned char, 32> key = [] {
        std::array<unsigned char, 32> k{};
        if (RAND_bytes(k.data(), static_cast<int>(k.size())) != 1) {
            throw std::runtime_error("RAND_bytes failed");
        }
        return k;
    }();
    return key;
}

std::string hmac_sha256(const std::string& data) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    const auto& key = signing_key();
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
    return std::string(reinterpret_cast<const char*>(mac), len);
}

std::string make_jwt(const std::string& subject, const std::string& key_id,
                     const std::vector<std::string>& scopes, std::int64_t exp) {
    const std::string header = encode_base64url(R"({"alg":"HS256","typ":"JWT"})");
    const std::string payload = encode_base64url(make_json([&](JsonWriter& w) {
        w.StartObject();
        w.Key("sub");
        write_string(w, subject);
        w.Key("jti");
        write_string(w, key_id);
        w.Key("iat");
        w.Int64(now_epoch_seconds());
        w.Key("exp");
        w.Int64(exp);
        w.Key("scopes");
        w.StartArray();
        for (const auto& s : scopes) write_string(w, s);
        w.EndArray();
        w.EndObject();
    }));
    const std::string signing_input = header + "." + payload;
    return signing_input + "." + encode_base64url(hmac_sha256(signing_input));
}

// The subject of a key this server signed and that has not expired.
std::optional<std::string> verify_jwt(const std::string& jwt) {
    const auto last_dot = jwt.rfind('.');
    const auto first_dot = jwt.find('.');
    if (last_dot == std::string::npos || first_dot == last_dot) return std::nullopt;
    const auto signature = decode_base64url(jwt.substr(last_dot + 1));
    const std::string expected = hmac_sha256(jwt.substr(0, last_dot));
    if (!signature || signature->size() != expected.size() ||
        CRYPTO_memcmp(signature->data(), expected.data(), expected.size()) != 0) {
        return std::nullopt;
    }
    const auto payload = decode_base64url(jwt.substr(first_dot + 1, last_dot - first_dot - 1));
    rapidjson::Document doc;
    if (payload) doc.Parse(payload->c_str(), payload->size());
    if (!payload || doc.HasParseError() || !doc.IsObject() || !doc.HasMember("exp") ||
        !doc["exp"].IsInt64() || doc["exp"].GetInt64() <= now_epoch_seconds() ||
        !doc.HasMember("sub") || !doc["sub"].IsString()) {
        return std::nullopt;
    }
    return std::string(doc["sub"].GetString());
}

void unauthorized(httplib::Response& res, const char* detail) {
    send_json(res, 401, [&](JsonWriter& w) {
        w.StartObject();
        w.Key("detail");
        w.String(detail);
        w.EndObject();
    });
}

void handle_create_key(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
    ctx.stats.count("anaconda.api_keys");
    const auto token = vendor::authorization(req, "Bearer");
    const auto grant = token ? ctx.tokens.lookup(*token) : std::nullopt;
    if (!grant) {
        unauthorized(res, "Invalid or expired access token");
        return;
    }
    rapidjson::Document body;
    body.Parse(req.body.c_str(), req.body.size());
    std::vector<std::string> scopes;
    if (body.HasParseError() || !body.IsObject()) {
        send_json(res, 422, [](JsonWriter& w) {
            w.StartObject();
            w.Key("detail");
            w.String("The body must be a JSON object");
            w.EndObject();
        });
        return;
    }
    if (body.HasMember("scopes") && body["scopes"].IsArray()) {
        for (const auto& s : body["scopes"].GetArray()) {
            if (s.IsString()) scopes.emplace_back(s.GetString());
        }
    }
    const std::string subject = grant->subject.empty() ? grant->client_id : grant->subject;
    const std::string key_id = random_token_value("key-");
    const std::int64_t exp =
        now_epoch_seconds() + static_cast<std::int64_t>(setting_seconds(
                                  ctx, "anaconda.key_lifetime", static_cast<double>(kYear)));
    const std::string api_key = reply_mode.get() == "opaque_key"
                                    ? random_token_value("opaque-")
                                    : make_jwt(subject, key_id, scopes, exp);
    send_json(res, 201, [&](JsonWriter& w) {
        w.StartObject();
        w.Key("id");
        write_string(w, key_id);
        w.Key("api_key");
        write_string(w, api_key);
        w.Key("expires_at");
        w.Int64(exp);
        w.EndObject();
    });
}

void handle_account(const httplib::Request& req, httplib::Response& res) {
    const auto key = vendor::authorization(req, "Bearer");
    const auto subject = key ? verify_jwt(*key) : std::nullopt;
    if (!subject) {
        unauthorized(res, "Invalid or expired API key");
        return;
    }
    send_json(res, 200, [&](JsonWriter& w) {
        w.StartObject();
        w.Key("user");
        write_string(w, *subject);
        w.EndObject();
    });
}

void install(httplib::Server& server, ServerContext& ctx) {
    for (const char* where : {"auth", "iam"}) {
        server.Post(std::string("/api/") + where + "/api-keys",
                    [&ctx, where](const httplib::Request& req, httplib::Response& res) {
                        const std::string served =
                            vendor::setting_or(ctx, "anaconda.api_keys_at", "auth");
                        if (served != where && served != "both") {
                            send_json(res, 404, [](JsonWriter& w) {
                                w.StartObject();
                                w.Key("detail");
                                w.String("Not Found");
                                w.EndObject();
                            });
                            return;
                        }
                        handle_create_key(ctx, req, res);
                    });
    }
    server.Get("/api/account", [](const httplib::Request& req, httplib::Response& res) {
        handle_account(req, res);
    });
    vendor::install_reply_switch(server, "/admin/anaconda", reply_mode, {"normal", "opaque_key"});
}

}  // namespace
}  // namespace devserver

static const devserver::RouteModule kModule{"vendor_anaconda", devserver::install};
