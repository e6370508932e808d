#include "client_assertion.hpp"

#include "assertion_claims.hpp"
#include "jwt.hpp"
#include "settings.hpp"
#include "tokens.hpp"

namespace devserver {

std::variant<const Client*, std::string> verify_client_assertion(
    ServerContext& ctx, const httplib::Request& req, const ClientCredentials& presented) {
    const auto decoded = decode_jwt(presented.assertion);
    if (const auto* error = std::get_if<std::string>(&decoded)) {
        return "client_assertion: " + *error;
    }
    const std::string iss = string_claim(std::get<Jwt>(decoded).claims, "iss");
    if (!presented.client_id.empty() && presented.client_id != iss) {
        return std::string("client_assertion: iss does not match client_id");
    }
    const Client* client = ctx.clients.find(iss);
    if (client == nullptr || client->key_file.empty()) {
        return std::string("client_assertion: iss names no client with a registered key");
    }
    auto key = load_public_key(client->key_file);
    if (const auto* error = std::get_if<std::string>(&key)) {
        return "server key problem: " + *error;
    }
    const auto verified = verify_jwt(presented.assertion, std::get<PkeyPtr>(key).get());
    if (const auto* error = std::get_if<std::string>(&verified)) {
        return "client_assertion: " + *error;
    }
    const auto& claims = std::get<Jwt>(verified).claims;
    const ClaimRules rules{client->id, client->id, own_audiences(ctx, req.path),
                           setting_seconds(ctx, "jwt_max_lifetime", 300), true};
    const std::int64_t now = now_epoch_seconds();
    if (const auto problem = check_claims(claims, rules, now)) {
        return "client_assertion: " + *problem;
    }
    const auto exp = static_cast<std::int64_t>(claims["exp"].GetDouble());
    if (!ctx.oauth.jtis.first_use(client->id, string_claim(claims, "jti"), exp)) {
        return std::string("client_assertion: jti was already used (replay)");
    }
    return client;
}

}  // namespace devserver
