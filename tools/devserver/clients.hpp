// The clients the development server knows, as given by --client flags.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace devserver {

struct Client {
    std::string id;
    // Empty for a client that does not authenticate with a secret: a public client
    // (RFC 6749 §2.1, auth method "none") unless a key or certificate is set below.
    std::string secret;
    // --setting client_key.ID=PATH: PEM public key (or certificate) for private_key_jwt.
    std::string key_file;
    // --setting tls_client.ID=SUBJECT: certificate subject for tls_client_auth.
    std::string tls_subject;
    // --setting redirect_uri.ID=URI[,URI...]: registered redirect URIs besides loopback.
    std::vector<std::string> redirect_uris;
    // Scopes this client may request; nullopt means "any scope", which keeps the
    // common demo invocation (--client id:secret) permissive.
    std::optional<std::set<std::string>> allowed_scopes;
    // Listed order, used as the default grant when a request names no scope.
    std::vector<std::string> scope_order;

    // No secret, key or certificate: the client can only identify itself (method none).
    bool is_public() const { return secret.empty() && key_file.empty() && tls_subject.empty(); }
};

// Parses "ID:SECRET[:SCOPE1,SCOPE2...]"; "ID:" or "ID::SCOPES" (empty secret) makes a
// client without a secret. Throws std::invalid_argument with a message
// suitable for the user on a malformed spec.
Client parse_client_spec(std::string_view spec);

// Applies the per-client settings (client_key.ID, tls_client.ID, redirect_uri.ID) to
// `clients`. Throws std::invalid_argument when one names an unknown client.
void apply_client_settings(std::vector<Client>& clients,
                           const std::map<std::string, std::string>& settings);

// Immutable after startup, so handlers on the thread pool read it without locking.
class ClientRegistry {
 public:
    // Throws std::invalid_argument on a duplicate id.
    void add(Client client);
    const Client* find(const std::string& id) const;
    // Checks the secret in constant time so the dev server does not teach bad habits.
    // A client without a secret never authenticates this way.
    const Client* authenticate(const std::string& id, const std::string& secret) const;
    const std::map<std::string, Client>& all() const { return clients_; }

 private:
    std::map<std::string, Client> clients_;
};

}  // namespace devserver
