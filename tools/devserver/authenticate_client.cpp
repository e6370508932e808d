#include "authenticate_client.hpp"

#include "client_assertion.hpp"
#include "json.hpp"
#include "tls_listener.hpp"

namespace devserver {
namespace {

constexpr const char* kRealm = "Basic realm=\"latchkey-devserver\"";

ClientAuthFailure invalid_request(std::string description) {
    return ClientAuthFailure{400, "invalid_request", std::move(description)};
}

ClientAuthFailure invalid_client(std::string description = "client authentication failed") {
    return ClientAuthFailure{401, "invalid_client", std::move(description)};
}

}  // namespace

std::variant<AuthenticatedClient, ClientAuthFailure> authenticate_client(
    ServerContext& ctx, const httplib::Request& req, const httplib::Params& form,
    bool allow_anonymous) {
    const auto certificate_subject = client_certificate_subject(req);
    const auto credentials = extract_client_credentials(req, form, certificate_subject.has_value());
    if (const auto* problem = std::get_if<AuthProblem>(&credentials)) {
        switch (*problem) {
            case AuthProblem::multiple_methods:
                return invalid_request("use exactly one client authentication method");
            case AuthProblem::mismatched_id:
                return invalid_request("client_id does not match the Authorization header");
            case AuthProblem::bad_assertion:
                return invalid_client(std::string("client_assertion_type must be ") +
                                      kClientAssertionType + " with a client_assertion");
            case AuthProblem::none_presented:
                if (allow_anonymous) {
                    return AuthenticatedClient{};
                }
                return invalid_client();
            case AuthProblem::malformed_basic:
                return invalid_client();
        }
        return invalid_client();
    }
    const auto& presented = std::get<ClientCredentials>(credentials);
    switch (presented.method) {
        case AuthMethod::client_secret_basic:
        case AuthMethod::client_secret_post:
            if (const Client* client =
                    ctx.clients.authenticate(presented.client_id, presented.client_secret)) {
                return AuthenticatedClient{client, presented.method};
            }
            return invalid_client();
        case AuthMethod::none: {
            const Client* client = ctx.clients.find(presented.client_id);
            if (client != nullptr && client->is_public()) {
                return AuthenticatedClient{client, AuthMethod::none};
            }
            // A confidential client that sent only its id: same answer as a wrong secret.
            return invalid_client();
        }
        case AuthMethod::private_key_jwt: {
            auto verified = verify_client_assertion(ctx, req, presented);
            if (const auto* why = std::get_if<std::string>(&verified)) {
                return invalid_client(*why);
            }
            return AuthenticatedClient{std::get<const Client*>(verified), presented.method};
        }
        case AuthMethod::tls_client_auth: {
            const Client* client = ctx.clients.find(presented.client_id);
            if (client != nullptr && !client->tls_subject.empty()) {
                // RFC 8705 §2.1.2: the certificate's subject DN must be the registered one.
                if (*certificate_subject == client->tls_subject) {
                    return AuthenticatedClient{client, AuthMethod::tls_client_auth};
                }
                return invalid_client(
                    "client certificate subject does not match the one "
                    "registered for this client");
            }
            // A public client that happens to have a certificate is still just public.
            if (client != nullptr && client->is_public()) {
                return AuthenticatedClient{client, AuthMethod::none};
            }
            return invalid_client();
        }
    }
    return invalid_client();
}

void send_client_auth_failure(const httplib::Request& req, httplib::Response& res,
                              const ClientAuthFailure& failure) {
    send_oauth_error(res, failure.status, failure.error, failure.description);
    // RFC 6749 §5.2: a client that tried the Authorization header gets a challenge back.
    if (failure.status == 401 && req.has_header("Authorization")) {
        res.set_header("WWW-Authenticate", kRealm);
    }
}

bool require_client(ServerContext& ctx, const httplib::Request& req, httplib::Response& res,
                    const httplib::Params& form, AuthenticatedClient& out, bool allow_anonymous) {
    auto result = authenticate_client(ctx, req, form, allow_anonymous);
    if (const auto* failure = std::get_if<ClientAuthFailure>(&result)) {
        send_client_auth_failure(req, res, *failure);
        return false;
    }
    out = std::get<AuthenticatedClient>(result);
    if (out.client != nullptr) {
        ctx.stats.record_authentication(out.client->id, out.method);
    }
    return true;
}

}  // namespace devserver
