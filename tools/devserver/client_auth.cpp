#include "client_auth.hpp"

#include <openssl/evp.h>

#include <cctype>
#include <optional>
#include <string_view>
#include <vector>

namespace devserver {
namespace {

// Base64 via OpenSSL. EVP_DecodeBlock pads its output with zero bytes for each '='
// in the input, so those are trimmed off again here.
std::optional<std::string> decode_base64(const std::string& in) {
    if (in.empty() || in.size() % 4 != 0) {
        return std::nullopt;
    }
    std::vector<unsigned char> out(in.size() / 4 * 3);
    const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(in.data()),
                                  static_cast<int>(in.size()));
    if (n < 0) {
        return std::nullopt;
    }
    std::size_t len = static_cast<std::size_t>(n);
    for (auto it = in.rbegin(); it != in.rend() && *it == '=' && len > 0; ++it) {
        --len;
    }
    return std::string(reinterpret_cast<const char*>(out.data()), len);
}

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
    }
    return "unknown";
}

std::variant<ClientCredentials, AuthProblem> extract_client_credentials(
    const httplib::Request& req, const httplib::Params& form) {
    const std::string* form_id = single_value(form, "client_id");
    const std::string* form_secret = single_value(form, "client_secret");

    if (req.has_header("Authorization")) {
        // A secret in the body next to a Basic header is two methods at once. A client_id
        // alone in the body is tolerated (some clients always send it) if it agrees.
        if (form_secret != nullptr) {
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
    if (form_id != nullptr && form_secret != nullptr) {
        return ClientCredentials{AuthMethod::client_secret_post, *form_id, *form_secret};
    }
    return AuthProblem::none_presented;
}

}  // namespace devserver
