#include "clients.hpp"

#include <openssl/crypto.h>

#include <stdexcept>

namespace devserver {

Client parse_client_spec(std::string_view spec) {
    const auto first = spec.find(':');
    if (first == std::string_view::npos) {
        throw std::invalid_argument("--client expects ID:SECRET[:SCOPES], got no ':'");
    }
    const auto second = spec.find(':', first + 1);
    Client client;
    client.id = std::string(spec.substr(0, first));
    client.secret = std::string(spec.substr(
        first + 1, second == std::string_view::npos ? std::string_view::npos : second - first - 1));
    if (client.id.empty() || client.secret.empty()) {
        throw std::invalid_argument("--client needs a non-empty ID and SECRET");
    }
    if (second == std::string_view::npos) {
        return client;
    }
    // "ID:SECRET:" (empty list) behaves like no list: any scope is allowed.
    std::string_view rest = spec.substr(second + 1);
    if (rest.empty()) {
        return client;
    }
    std::set<std::string> scopes;
    while (true) {
        const auto comma = rest.find(',');
        const std::string scope(rest.substr(0, comma));
        if (scope.empty() || scope.find(' ') != std::string::npos) {
            throw std::invalid_argument("--client scope list has an empty scope or a space: " +
                                        std::string(spec.substr(second + 1)));
        }
        if (scopes.insert(scope).second) {
            client.scope_order.push_back(scope);
        }
        if (comma == std::string_view::npos) {
            break;
        }
        rest.remove_prefix(comma + 1);
    }
    client.allowed_scopes = std::move(scopes);
    return client;
}

void ClientRegistry::add(Client client) {
    const std::string id = client.id;
    if (!clients_.emplace(id, std::move(client)).second) {
        throw std::invalid_argument("--client given twice for id " + id);
    }
}

const Client* ClientRegistry::find(const std::string& id) const {
    const auto it = clients_.find(id);
    return it == clients_.end() ? nullptr : &it->second;
}

const Client* ClientRegistry::authenticate(const std::string& id, const std::string& secret) const {
    const Client* client = find(id);
    if (client == nullptr || client->secret.size() != secret.size()) {
        return nullptr;
    }
    if (CRYPTO_memcmp(client->secret.data(), secret.data(), secret.size()) != 0) {
        return nullptr;
    }
    return client;
}

}  // namespace devserver
