// The request parameters that say what a token is for: scope (RFC 6749
// §3.3), audience (Auth0, Okta, Planet) and resource (RFC 8707).
#ifndef LATCHKEY_COMMON_GRANT_PARAMS_HPP
#define LATCHKEY_COMMON_GRANT_PARAMS_HPP

#include <array>
#include <initializer_list>
#include <latchkey/common/form_post.hpp>
#include <latchkey/common/text.hpp>
#include <latchkey/provider.hpp>
#include <string>
#include <vector>

namespace latchkey::common {

inline constexpr std::array<latchkey_option, 3> kGrantParamOptions = {{
    {"scopes", LATCHKEY_OPT_LIST, LATCHKEY_OPTF_IDENTITY, nullptr,
     "scopes to request, sent space-separated as `scope`; none: the server's default"},
    {"audience", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_IDENTITY, nullptr,
     "`audience` parameter (Auth0, Okta, Planet and others), sent when set"},
    {"resource", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_IDENTITY, nullptr,
     "`resource` parameter (RFC 8707 resource indicator), sent when set"},
}};

struct GrantParams {
    std::string scope;  // space-separated; "" for none
    std::string audience;
    std::string resource;

    void append_to(FormFields& form) const {
        if (!scope.empty()) form.emplace_back("scope", scope);
        if (!audience.empty()) form.emplace_back("audience", audience);
        if (!resource.empty()) form.emplace_back("resource", resource);
    }
};

// The `scopes` option as one space-separated `scope` value.
inline std::string read_scope(const sdk::Host& host) {
    std::string scope;
    for (auto& s : host.list("scopes")) {
        std::string_view t = trim(s);
        if (!t.empty()) scope += (scope.empty() ? "" : " ") + std::string(t);
    }
    return scope;
}

inline GrantParams read_grant_params(const sdk::Host& host) {
    GrantParams p;
    p.scope = read_scope(host);
    p.audience = std::string(trim(host.option_or("audience", "")));
    p.resource = std::string(trim(host.option_or("resource", "")));
    return p;
}

// The `extra_params` option ("name=value" entries) as form fields. A name
// in `reserved` is one the provider sets itself, and is refused. Entries are
// named by position, never quoted: one might carry a value the policy author
// considers sensitive. (The host names the site in front of the message.)
inline FormFields read_extra_params(const sdk::Host& host,
                                    std::initializer_list<const char*> reserved) {
    FormFields out;
    auto entries = host.list("extra_params");
    for (size_t i = 0; i < entries.size(); ++i) {
        const std::string where = "option 'extra_params' entry " + std::to_string(i + 1);
        size_t eq = entries[i].find('=');
        std::string name = eq == std::string::npos ? "" : entries[i].substr(0, eq);
        if (name.empty()) throw sdk::config_error(where + " is not of the form name=value");
        for (const char* own : reserved)
            if (name == own)
                throw sdk::config_error(where + " sets '" + name +
                                        "', which the provider sets itself" +
                                        (name == "scope" ? " (use 'scopes')" : ""));
        out.emplace_back(name, entries[i].substr(eq + 1));
    }
    return out;
}

}  // namespace latchkey::common

#endif  // LATCHKEY_COMMON_GRANT_PARAMS_HPP
