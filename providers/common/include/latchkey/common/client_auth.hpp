// Client authentication at the authorization server, shared by every OAuth
// provider (RFC 6749 §2.3, RFC 7523 §2.2, RFC 8705 §2):
//
//   client_secret_basic  id and secret in HTTP Basic (default with a secret)
//   client_secret_post   id and secret in the form
//   private_key_jwt      a short-lived JWT signed with the client's key
//   tls_client_auth      a TLS client certificate; the id in the form
//   none                 a public client: the id in the form, nothing else
#ifndef LATCHKEY_COMMON_CLIENT_AUTH_HPP
#define LATCHKEY_COMMON_CLIENT_AUTH_HPP

#include <rapidjson/document.h>

#include <array>
#include <latchkey/common/form_post.hpp>
#include <latchkey/common/json.hpp>
#include <latchkey/common/jwt_sign.hpp>
#include <latchkey/common/text.hpp>
#include <latchkey/provider.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace latchkey::common {

enum class ClientAuthMethod {
    client_secret_basic,
    client_secret_post,
    private_key_jwt,
    tls_client_auth,
    none
};

inline constexpr const char* kClientAuthMethods =
    "client_secret_basic, client_secret_post, private_key_jwt, tls_client_auth, none";

// `client_secret`, for providers where a secret is one choice among several.
inline constexpr std::array<latchkey_option, 1> kClientSecretOption = {{
    {"client_secret", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_SECRET, nullptr,
     "the client secret (client_secret_basic/_post); usually { env = \"...\" } or { secret = "
     "\"...\" }"},
}};

// How the client authenticates, and the key or certificate it does it with,
// in parts for providers that need only some (kClientAuthOptions: all).
inline constexpr latchkey_option kClientAuthOption = {
    "client_auth", LATCHKEY_OPT_STRING, 0, nullptr,
    "client_secret_basic, client_secret_post, private_key_jwt, tls_client_auth or none; unset: "
    "client_secret_basic with a secret, private_key_jwt with a key, tls_client_auth with a "
    "certificate, else none (public client)"};

inline constexpr std::array<latchkey_option, 4> kClientKeyOptions = {{
    {"private_key_file", LATCHKEY_OPT_PATH, 0, nullptr,
     "private_key_jwt: PEM private key that signs the client assertion"},
    {"private_key_passphrase", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_SECRET, nullptr,
     "passphrase of an encrypted private_key_file"},
    {"key_id", LATCHKEY_OPT_STRING, 0, nullptr,
     "`kid` header of the client assertion (the key's id at the server)"},
    {"signing_alg", LATCHKEY_OPT_STRING, 0, "RS256",
     "JWS algorithm of the client assertion: RS256, RS384, RS512, PS256, ES256 or ES384"},
}};

inline constexpr std::array<latchkey_option, 3> kClientCertOptions = {{
    {"client_cert_file", LATCHKEY_OPT_PATH, 0, nullptr,
     "PEM client certificate presented in TLS (tls_client_auth, or certificate-bound tokens)"},
    {"client_key_file", LATCHKEY_OPT_PATH, 0, nullptr, "PEM private key of client_cert_file"},
    {"client_key_passphrase", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_SECRET, nullptr,
     "passphrase of an encrypted client_key_file"},
}};

inline constexpr std::array<latchkey_option, 8> kClientAuthOptions = {{
    kClientAuthOption,
    kClientKeyOptions[0],
    kClientKeyOptions[1],
    kClientKeyOptions[2],
    kClientKeyOptions[3],
    kClientCertOptions[0],
    kClientCertOptions[1],
    kClientCertOptions[2],
}};

struct ClientAuth {
    ClientAuthMethod method = ClientAuthMethod::none;
    std::string client_id;
    std::string client_secret;
    SigningKey key;  // private_key_jwt
    std::string client_cert_file, client_key_file, client_key_passphrase;
};

namespace detail {

inline ClientAuthMethod parse_client_auth_method(const char* option, const std::string& value) {
    if (value == "client_secret_basic") return ClientAuthMethod::client_secret_basic;
    if (value == "client_secret_post") return ClientAuthMethod::client_secret_post;
    if (value == "private_key_jwt") return ClientAuthMethod::private_key_jwt;
    if (value == "tls_client_auth") return ClientAuthMethod::tls_client_auth;
    if (value == "none") return ClientAuthMethod::none;
    throw sdk::config_error(std::string("option '") + option + "' is \"" + printable(value) +
                            "\"; valid values: " + kClientAuthMethods);
}

}  // namespace detail

// Reads the client's id and authentication from the options.
// `key_means_private_key_jwt`: whether a configured
// private_key_file makes private_key_jwt the default (not for a provider
// whose key signs something else). Throws config_error when the chosen
// method lacks what it needs.
inline ClientAuth read_client_auth(const sdk::Host& host, bool key_means_private_key_jwt = true) {
    ClientAuth a;
    a.client_id = host.require("client_id");
    a.client_secret = host.option_or("client_secret", "");
    a.key.key_file = host.option_or("private_key_file", "");
    a.key.passphrase = host.option_or("private_key_passphrase", "");
    a.key.key_id = host.option_or("key_id", "");
    a.key.alg = host.option_or("signing_alg", "RS256");
    a.client_cert_file = host.option_or("client_cert_file", "");
    a.client_key_file = host.option_or("client_key_file", "");
    a.client_key_passphrase = host.option_or("client_key_passphrase", "");

    if (auto v = host.option("client_auth"))
        a.method = detail::parse_client_auth_method("client_auth", *v);
    else if (!a.client_secret.empty())
        a.method = ClientAuthMethod::client_secret_basic;
    else if (key_means_private_key_jwt && !a.key.key_file.empty())
        a.method = ClientAuthMethod::private_key_jwt;
    else if (!a.client_cert_file.empty())
        a.method = ClientAuthMethod::tls_client_auth;

    switch (a.method) {
        case ClientAuthMethod::client_secret_basic:
        case ClientAuthMethod::client_secret_post:
            a.client_secret = host.require("client_secret");
            break;
        case ClientAuthMethod::private_key_jwt:
            a.key.key_file = host.require("private_key_file");
            if (!is_signing_alg(a.key.alg))
                throw sdk::config_error("option 'signing_alg' is \"" + printable(a.key.alg) +
                                        "\"; valid values: " + kSigningAlgs);
            break;
        case ClientAuthMethod::tls_client_auth:
            a.client_cert_file = host.require("client_cert_file");
            a.client_key_file = host.require("client_key_file");
            break;
        case ClientAuthMethod::none:
            break;
    }
    if (!a.client_cert_file.empty() && a.client_key_file.empty())
        a.client_key_file = host.require("client_key_file");
    return a;
}

// The RFC 7523 §2.2 client assertion: iss = sub = client_id, aud = the
// server's token endpoint, a random jti, valid for one minute.
inline std::string client_assertion(const sdk::Host& host, const ClientAuth& a,
                                    const std::string& audience) {
    const int64_t now = host.now_ms() / 1000;
    rapidjson::Document claims;
    claims.SetObject();
    add_string(claims, claims, "iss", a.client_id);
    add_string(claims, claims, "sub", a.client_id);
    add_string(claims, claims, "aud", audience);
    add_string(claims, claims, "jti", host.base64(host.random_bytes(18), true));
    claims.AddMember("iat", now, claims.GetAllocator());
    claims.AddMember("exp", now + 60, claims.GetAllocator());
    return sign_jwt(host, a.key, claims);
}

// A form-encoded POST to `url` that authenticates the client as `a` says.
// `assertion_audience` is the `aud` of a private_key_jwt assertion: the
// token endpoint, whichever endpoint the request goes to (RFC 7523 §3).
inline sdk::HttpRequest client_form_request(const sdk::Host& host, const ClientAuth& a,
                                            const std::string& url, FormFields form,
                                            const std::string& assertion_audience) {
    std::optional<std::pair<std::string, std::string>> basic;
    switch (a.method) {
        case ClientAuthMethod::client_secret_basic:
            basic = client_basic_auth(host, a.client_id, a.client_secret);
            break;
        case ClientAuthMethod::client_secret_post:
            form.emplace_back("client_id", a.client_id);
            form.emplace_back("client_secret", a.client_secret);
            break;
        case ClientAuthMethod::private_key_jwt:
            form.emplace_back("client_id", a.client_id);
            form.emplace_back("client_assertion_type",
                              "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
            form.emplace_back("client_assertion", client_assertion(host, a, assertion_audience));
            break;
        case ClientAuthMethod::tls_client_auth:
        case ClientAuthMethod::none:
            form.emplace_back("client_id", a.client_id);
            break;
    }
    sdk::HttpRequest req = token_request(host, url, form);
    req.basic_auth = std::move(basic);
    req.client_cert_file = a.client_cert_file;
    req.client_key_file = a.client_key_file;
    req.client_key_password = a.client_key_passphrase;
    return req;
}

}  // namespace latchkey::common

#endif  // LATCHKEY_COMMON_CLIENT_AUTH_HPP
