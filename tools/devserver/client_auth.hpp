// Client authentication for the token endpoint (RFC 6749 §2.3.1): HTTP Basic or form fields.
#pragma once

#include <httplib.h>

#include <string>
#include <variant>

namespace devserver {

enum class AuthMethod { client_secret_basic, client_secret_post };

const char* auth_method_name(AuthMethod method);

struct ClientCredentials {
    AuthMethod method;
    std::string client_id;
    std::string client_secret;
};

// Why the request carried no usable credentials; each maps to a distinct OAuth error.
enum class AuthProblem {
    none_presented,    // 401 invalid_client
    malformed_basic,   // 401 invalid_client (the header was there but undecodable)
    multiple_methods,  // 400 invalid_request (RFC 6749 §2.3: one method per request)
    mismatched_id,     // 400 invalid_request: body client_id disagrees with Basic
};

// `form` is the parsed request body only, never the query string.
std::variant<ClientCredentials, AuthProblem> extract_client_credentials(
    const httplib::Request& req, const httplib::Params& form);

}  // namespace devserver
