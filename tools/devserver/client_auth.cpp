#include "client_auth.hpp"

#include <cctype>
#include <optional>
#include <string_view>

#include "base64.hpp"

namespace devserver {
namespace {

std::optional<ClientCredentials> parse_basic(const std::string& header) {
    // The scheme name is case-insensitive (RFC 7235 §2.1).
    constexpr std::string_view kScheme = "basic ";
    if (header.size() <= kScheme.size()) {
        return std::nullopt;
    }
    for (std::size_t i = 0; i < kScheme.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(header[i])) != kScheme[i]) {
            return std::nullopt;
        }
    }
    std::string encoded = httplib::detail::trim_copy(header.substr(kScheme.size()));
    const auto decoded = decode_base64(encoded);
    if (!decoded) {
        return std::nullopt;
    }
    const auto colon = decoded->find(':');
    if (colon == std::string::npos) {
        return std::nullopt;
    }
    // RFC 6749 §2.3.1: id and secret are application/x-www-form-urlencoded before they
    // are joined and base64-encoded, so '+' means space and %XX must be decoded.
    return ClientCredentials{
        AuthMethod::client_secret_basic,
        httplib::detail::decode_url(decoded->substr(0, colon), true),
        httplib::detail::decode_url(decoded->substr(colon + 1), true),
        "",
    };
}

const std::string* single_value(const httplib::Params& form, const char* name) {
    const auto it = form.find(name);
    return it == form.end() ? nullptr : &it->second;
}

}  // namespace

const char* auth_method_name(AuthMethod method) {
    switch (method) {
        case AuthMethod::client_secret_basic:
            return "client_secret_basic";
        case AuthMethod::client_secret_post:
            return "client_secret_post";
        case AuthMethod::none:
            return "none";
        case AuthMethod::private_key_jwt:
            return "private_key_jwt";
        case AuthMethod::tls_client_auth:
            return "tls_client_auth";
    }
    return "unknown";
}

std::variant<ClientCredentials, AuthProblem> extract_client_credentials(
    const httplib::Request& req, const httplib::Params& form, bool has_client_certificate) {
    const std::string* form_id = single_value(form, "client_id");
    const std::string* form_secret = single_value(form, "client_secret");
    const std::string* assertion = single_value(form, "client_assertion");
    const std::string* assertion_type = single_value(form, "client_assertion_type");

    if (req.has_header("Authorization")) {
        // A secret in the body next to a Basic header is two methods at once. A client_id
        // alone in the body is tolerated (some clients always send it) if it agrees.
        if (form_secret != nullptr || assertion != nullptr || assertion_type != nullptr) {
            return AuthProblem::multiple_methods;
        }
        auto basic = parse_basic(req.get_header_value("Authorization"));
        if (!basic) {
            return AuthProblem::malformed_basic;
        }
        if (form_id != nullptr && *form_id != basic->client_id) {
            return AuthProblem::mismatched_id;
        }
        return std::move(*basic);
    }
    if (assertion != nullptr || assertion_type != nullptr) {
        if (form_secret != nullptr) {
            return AuthProblem::multiple_methods;
        }
        if (assertion == nullptr || assertion_type == nullptr ||
            *assertion_type != kClientAssertionType) {
            return AuthProblem::bad_assertion;
        }
        return ClientCredentials{AuthMethod::private_key_jwt, form_id ? *form_id : "", "",
                                 *assertion};
    }
    if (form_id != nullptr && form_secret != nullptr) {
        return ClientCredentials{AuthMethod::client_secret_post, *form_id, *form_secret, ""};
    }
    if (form_id != nullptr) {
        // RFC 8705 §2: the certificate authenticates, the body names the client.
        return ClientCredentials{
            has_client_certificate ? AuthMethod::tls_client_auth : AuthMethod::none, *form_id, "",
            ""};
    }
    return AuthProblem::none_presented;
}

}  // namespace devserver
