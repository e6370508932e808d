// Parses the api-key provider's `header` option, "Name: <prefix> {token}",
// into what the host needs to present the key: a header name and a prefix
// (the credential's token_type, sent as "<prefix> <key>", or the bare key
// when the prefix is empty).
#ifndef LATCHKEY_API_KEY_HEADER_TEMPLATE_HPP
#define LATCHKEY_API_KEY_HEADER_TEMPLATE_HPP

#include <latchkey/common/text.hpp>
#include <latchkey/provider.hpp>
#include <string>
#include <string_view>

namespace latchkey::api_key {

struct HeaderTemplate {
    std::string name;    // "Authorization", "X-API-Key"
    std::string prefix;  // "Bearer", "api-key", or ""
};

// Throws a config error naming the option and showing the template (which
// holds no secret) when it cannot be represented.
inline HeaderTemplate parse_header_template(const std::string& site, const std::string& text) {
    auto fail = [&](const std::string& why) {
        (void)site;  // the host puts "site 'NAME': " in front of the message
        return sdk::config_error("option 'header' (\"" + common::printable(text) + "\") " + why +
                                 "; expected e.g. \"Authorization: Bearer {token}\" or "
                                 "\"X-API-Key: {token}\"");
    };
    if (common::has_control_chars(text)) throw fail("contains a control character");
    constexpr std::string_view kToken = "{token}";
    size_t colon = text.find(':');
    size_t at = text.find(kToken);
    if (colon == std::string::npos || (at != std::string::npos && colon > at))
        throw fail("has no header name before ':'");
    HeaderTemplate out;
    out.name = std::string(common::trim(std::string_view(text).substr(0, colon)));
    if (!common::is_header_name(out.name)) throw fail("does not start with a valid header name");
    if (at == std::string::npos) throw fail("does not contain {token}");
    if (!common::trim(std::string_view(text).substr(at + kToken.size())).empty())
        throw fail("has text after {token}; the key must come last");
    std::string_view before = std::string_view(text).substr(colon + 1, at - colon - 1);
    out.prefix = std::string(common::trim(before));
    // A credential is presented as "<token_type> <token>" (one space), so
    // "key={token}" would silently become "key= <key>".
    if (!out.prefix.empty() && !common::is_space(before.back()))
        throw fail("needs a space between the prefix and {token}");
    return out;
}

}  // namespace latchkey::api_key

#endif  // LATCHKEY_API_KEY_HEADER_TEMPLATE_HPP
