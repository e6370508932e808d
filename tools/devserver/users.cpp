#include "users.hpp"

#include "settings.hpp"

namespace devserver {

std::string default_subject(const ServerContext& ctx) {
    const std::string* sub = setting(ctx, "user_sub");
    return sub == nullptr ? "dev-user" : *sub;
}

UserClaims user_claims(const ServerContext& ctx, const std::string& sub) {
    if (sub != default_subject(ctx)) {
        return UserClaims{sub, sub, sub + "@example.test"};
    }
    const std::string* name = setting(ctx, "user_name");
    const std::string* email = setting(ctx, "user_email");
    return UserClaims{sub, name == nullptr ? "Dev User" : *name,
                      email == nullptr ? sub + "@example.test" : *email};
}

void write_profile_claims(JsonWriter& w, const UserClaims& user) {
    w.Key("name");
    write_string(w, user.name);
    w.Key("email");
    write_string(w, user.email);
    w.Key("email_verified");
    w.Bool(true);
    w.Key("preferred_username");
    write_string(w, user.sub);
}

}  // namespace devserver
