// The options every OAuth provider takes, whatever its grant, so a site can
// switch grants without relearning names (docs/option-names.md): the
// endpoints (or `issuer` to discover them), the client and how it
// authenticates, and what the token is for.
//
//   constexpr auto kOptions = common::option_table(kOwn, common::kOAuthOptions);
//
// A provider whose grant gives one of these a meaning of its own (the JWT
// bearer grant's `audience` is its assertion's `aud`) restates that entry
// with oauth_options_with(); the key set stays the same.
#ifndef LATCHKEY_COMMON_OAUTH_OPTIONS_HPP
#define LATCHKEY_COMMON_OAUTH_OPTIONS_HPP

#include <latchkey/provider.h>

#include <array>
#include <cstddef>
#include <latchkey/common/client_auth.hpp>
#include <latchkey/common/discovery.hpp>
#include <latchkey/common/grant_params.hpp>
#include <string_view>

namespace latchkey::common {

inline constexpr latchkey_option kClientIdOption = {
    "client_id", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_REQUIRED | LATCHKEY_OPTF_IDENTITY, nullptr,
    "the client identifier issued by the authorization server"};

inline constexpr std::array<latchkey_option, 17> kOAuthOptions = {{
    kIssuerOption,
    kTokenUrlOption,
    kRevocationUrlOption,
    kUserinfoUrlOption,
    kClientIdOption,
    kClientSecretOption[0],
    kClientAuthOptions[0],
    kClientAuthOptions[1],
    kClientAuthOptions[2],
    kClientAuthOptions[3],
    kClientAuthOptions[4],
    kClientAuthOptions[5],
    kClientAuthOptions[6],
    kClientAuthOptions[7],
    kGrantParamOptions[0],
    kGrantParamOptions[1],
    kGrantParamOptions[2],
}};

// kOAuthOptions with each entry whose key is in `own` replaced by that entry
// (its flags, default and description); an entry of `own` that names no
// common option is a compile-time error.
template <std::size_t N>
constexpr std::array<latchkey_option, kOAuthOptions.size()> oauth_options_with(
    const std::array<latchkey_option, N>& own) {
    std::array<latchkey_option, kOAuthOptions.size()> out = kOAuthOptions;
    for (const latchkey_option& o : own) {
        bool found = false;
        for (latchkey_option& e : out) {
            if (std::string_view(e.key) != o.key) continue;
            e = o;
            found = true;
        }
        if (!found) throw "oauth_options_with: not a common OAuth option";
    }
    return out;
}

}  // namespace latchkey::common

#endif  // LATCHKEY_COMMON_OAUTH_OPTIONS_HPP
