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
    std::string secret;
    // Scopes this client may request; nullopt means "any scope", which keeps the
    // common demo invocation (--client id:secret) permissive.
    std::optional<std::set<std::string>> allowed_scopes;
    // Listed order, used as the default grant when a request names no scope.
    std::vector<std::string> scope_order;
};

// Parses "ID:SECRET[:SCOPE1,SCOPE2...]". Throws std::invalid_argument with a message
// suitable for the user on a malformed spec.
Client parse_client_spec(std::string_view spec);

// Immutable after startup, so handlers on the thread pool read it without locking.
class ClientRegistry {
 public:
    // Throws std::invalid_argument on a duplicate id.
    void add(Client client);
    const Client* find(const std::string& id) const;
    // Checks the secret in constant time so the dev server does not teach bad habits.
    const Client* authenticate(const std::string& id, const std::string& secret) const;
    const std::map<std::string, Client>& all() const { return clients_; }

 private:
    std::map<std::string, Client> clients_;
};

}  // namespace devserver
