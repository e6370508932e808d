// The one (or few) end users of the user-facing flows. No login form: consent is given
// by an admin call or auto_consent, so the user is a name from the settings.
#pragma once

#include <string>

#include "context.hpp"
#include "json.hpp"

namespace devserver {

struct UserClaims {
    std::string sub;
    std::string name;
    std::string email;
};

// --setting user_sub (default "dev-user"), user_name ("Dev User"), user_email
// ("dev-user@example.test").
std::string default_subject(const ServerContext& ctx);
// The claims of `sub`: the configured name and email for the default user, names derived
// from `sub` for any other (an admin approval may name another user).
UserClaims user_claims(const ServerContext& ctx, const std::string& sub);
// Writes the profile claims after "sub" (name, email, email_verified, preferred_username)
// into an open JSON object: the ID token and the userinfo answer share them.
void write_profile_claims(JsonWriter& w, const UserClaims& user);

}  // namespace devserver
