#include "id_token.hpp"

#include "json.hpp"
#include "tokens.hpp"
#include "users.hpp"

namespace devserver {

std::string make_id_token(ServerContext& ctx, const std::string& client_id,
                          const std::string& subject, const std::optional<std::string>& nonce) {
    const std::int64_t now = now_epoch_seconds();
    const UserClaims user = user_claims(ctx, subject);
    const std::string payload = make_json([&](JsonWriter& w) {
        w.StartObject();
        w.Key("iss");
        write_string(w, ctx.issuer);
        w.Key("sub");
        write_string(w, user.sub);
        w.Key("aud");
        write_string(w, client_id);
        w.Key("iat");
        w.Int64(now);
        w.Key("exp");
        w.Int64(now + ctx.token_lifetime);
        w.Key("auth_time");
        w.Int64(now);
        if (nonce) {
            w.Key("nonce");
            write_string(w, *nonce);
        }
        write_profile_claims(w, user);
        w.EndObject();
    });
    return ctx.oauth.id_token_key.sign_jwt(payload);
}

}  // namespace devserver
