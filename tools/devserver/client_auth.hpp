// Which client authentication a request carries (RFC 6749 §2.3): HTTP Basic, a secret in
// the form, a JWT client assertion (RFC 7523 §2.2), a TLS client certificate (RFC 8705),
// or a bare client_id for a public client ("none"). Checking it is authenticate_client's job.
#pragma once

#include <httplib.h>

#include <string>
#include <variant>

namespace devserver {

enum class AuthMethod {
    client_secret_basic,
    client_secret_post,
    none,
    private_key_jwt,
    tls_client_auth,
};
inline constexpr AuthMethod kAuthMethods[] = {
    AuthMethod::client_secret_basic, AuthMethod::client_secret_post, AuthMethod::none,
    AuthMethod::private_key_jwt,     AuthMethod::tls_client_auth,
};

const char* auth_method_name(AuthMethod method);

struct ClientCredentials {
    AuthMethod method;
    std::string client_id;  // may be empty for private_key_jwt (taken from the assertion)
    std::string client_secret;
    std::string assertion;  // private_key_jwt only
};

inline constexpr const char* kClientAssertionType =
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

// Why the request carried no usable credentials; each maps to a distinct OAuth error.
enum class AuthProblem {
    none_presented,    // 401 invalid_client
    malformed_basic,   // 401 invalid_client (the header was there but undecodable)
    multiple_methods,  // 400 invalid_request (RFC 6749 §2.3: one method per request)
    mismatched_id,     // 400 invalid_request: body client_id disagrees with Basic
    bad_assertion,     // 401 invalid_client: client_assertion(_type) missing or unknown type
};

// `form` is the parsed request body only, never the query string. `has_client_certificate`
// says whether the TLS connection presented one (tls_client_auth).
std::variant<ClientCredentials, AuthProblem> extract_client_credentials(
    const httplib::Request& req, const httplib::Params& form, bool has_client_certificate = false);

}  // namespace devserver
