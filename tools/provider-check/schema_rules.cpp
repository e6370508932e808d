#include "schema_rules.hpp"

#include <algorithm>
#include <set>

namespace latchkey::check {

namespace {

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}
bool starts_with(const std::string& s, const std::string& head) { return s.rfind(head, 0) == 0; }

bool snake_case(const std::string& key) {
    if (key.empty() || key[0] < 'a' || key[0] > 'z' || key.back() == '_') return false;
    return std::all_of(key.begin(), key.end(),
                       [](char c) {
                           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                       }) &&
           key.find("__") == std::string::npos;
}

}  // namespace

Problems option_name_problems(const std::vector<policy::OptionSpec>& schema) {
    Problems out;
    for (const auto& o : schema) {
        const std::string& k = o.key;
        if (!snake_case(k)) {
            out.push_back("'" + k + "' is not snake_case");
            continue;
        }
        if (starts_with(k, "disable_") || starts_with(k, "no_"))
            out.push_back("'" + k + "' is a negative boolean; name what true does");
        if ((ends_with(k, "_timeout") || ends_with(k, "_lifetime")) &&
            o.type != LATCHKEY_OPT_DURATION)
            out.push_back("'" + k + "' names a duration but is not LATCHKEY_OPT_DURATION");
        if ((ends_with(k, "_file") || ends_with(k, "_dir")) && o.type != LATCHKEY_OPT_PATH &&
            o.type != LATCHKEY_OPT_STRING)
            out.push_back("'" + k + "' names a path but is not LATCHKEY_OPT_PATH");
        if (ends_with(k, "_password") && k != "password")
            out.push_back("'" + k + "': a passphrase is *_passphrase, named after what it unlocks");
    }
    return out;
}

Problems unflagged_secrets(const std::vector<policy::OptionSpec>& schema) {
    Problems out;
    for (const auto& o : schema) {
        const std::string& k = o.key;
        // Not every *_token: exec's `aws_token` chooses which token to use.
        static const std::set<std::string> secrets = {"password",       "api_key",       "token",
                                                      "access_token",   "refresh_token", "id_token",
                                                      "security_token", "private_key"};
        bool says_secret = secrets.count(k) || k.find("secret") != std::string::npos ||
                           ends_with(k, "_passphrase") || ends_with(k, "_password");
        if (says_secret && !o.secret)
            out.push_back("'" + k + "' holds a secret but lacks LATCHKEY_OPTF_SECRET");
    }
    return out;
}

Problems unflagged_identities(const std::vector<policy::OptionSpec>& schema) {
    static const std::set<std::string> who = {
        "client_id", "username",  "user",    "app_id",     "installation_id",
        "tenant",    "tenant_id", "account", "account_id", "subject",
        "issuer",    "token_url", "scopes",  "audience",   "api_key"};
    Problems out;
    for (const auto& o : schema)
        if (who.count(o.key) && !o.identity)
            out.push_back("'" + o.key +
                          "' says whose credential it is but lacks LATCHKEY_OPTF_IDENTITY: a "
                          "changed value would be served the old one's cached token");
    return out;
}

}  // namespace latchkey::check
