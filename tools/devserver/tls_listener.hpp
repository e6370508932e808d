// The optional HTTPS listener: same endpoints as the plain one, and it asks for (but
// does not demand) a client certificate, which tls_client_auth (RFC 8705 §2) checks.
#pragma once

#include <httplib.h>

#include <memory>
#include <optional>
#include <string>

namespace devserver {

// An SSLServer with the certificate and key, trusting `client_ca` (may be empty: then no
// client certificate is requested). nullptr with a message in `error` on failure.
std::unique_ptr<httplib::SSLServer> make_tls_server(const std::string& cert, const std::string& key,
                                                    const std::string& client_ca,
                                                    std::string& error);

// The subject (RFC 2253, e.g. "CN=app,O=Example") of the verified certificate the client
// presented on this request's TLS connection, if any.
std::optional<std::string> client_certificate_subject(const httplib::Request& req);

}  // namespace devserver
