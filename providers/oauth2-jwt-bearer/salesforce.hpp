// Defaults the jwt-bearer provider derives from a Salesforce instance
// (`instance = "acme.my.salesforce.com"`): the token, revocation and
// userinfo endpoints on that host, and the assertion's audience, which
// Salesforce wants to be its login server, not the instance.
#ifndef LATCHKEY_JWT_BEARER_SALESFORCE_HPP
#define LATCHKEY_JWT_BEARER_SALESFORCE_HPP

#include <latchkey/common/text.hpp>
#include <string>
#include <string_view>

namespace latchkey::jwt_bearer {

// "acme.my.salesforce.com" or "https://acme.my.salesforce.com/" as a base URL.
inline std::string instance_base_url(std::string_view instance) {
    std::string base(common::trim(instance));
    if (!common::istarts_with(base, "https://") && !common::istarts_with(base, "http://"))
        base = "https://" + base;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base;
}

// The host part of a base URL ("https://a.b:443" -> "a.b").
inline std::string url_host(std::string_view base) {
    size_t scheme = base.find("://");
    std::string_view rest = scheme == std::string_view::npos ? base : base.substr(scheme + 3);
    rest = rest.substr(0, rest.find_first_of("/:"));
    return std::string(rest);
}

// https://test.salesforce.com for sandboxes (*.sandbox.my.salesforce.com),
// https://login.salesforce.com for everything else.
inline std::string salesforce_audience(std::string_view instance) {
    constexpr std::string_view sandbox = ".sandbox.my.salesforce.com";
    std::string host = url_host(instance_base_url(instance));
    bool is_sandbox =
        host.size() > sandbox.size() &&
        common::iequals(std::string_view(host).substr(host.size() - sandbox.size()), sandbox);
    return is_sandbox ? "https://test.salesforce.com" : "https://login.salesforce.com";
}

}  // namespace latchkey::jwt_bearer

#endif  // LATCHKEY_JWT_BEARER_SALESFORCE_HPP
