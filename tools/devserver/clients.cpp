#include "clients.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <stdexcept>

namespace devserver {

Client parse_client_spec(std::string_view spec) {
    const auto first = spec.find(':');
    if (first == std::string_view::npos) {
        throw std::invalid_argument("--client expects ID:[SECRET][:SCOPES], got no ':'");
    }
    const auto second = spec.find(':', first + 1);
    Client client;
    client.id = std::string(spec.substr(0, first));
    client.secret = std::string(spec.substr(
        first + 1, second == std::string_view::npos ? std::string_view::npos : second - first - 1));
    if (client.id.empty()) {
        throw std::invalid_argument("--client needs a non-empty ID");
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

namespace {

std::vector<std::string> split_commas(const std::string& text) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto comma = text.find(',', start);
        const auto part =
            text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!part.empty()) {
            parts.push_back(part);
        }
        if (comma == std::string::npos) {
            break;
        }
        start = comma + 1;
    }
    return parts;
}

}  // namespace

void apply_client_settings(std::vector<Client>& clients,
                           const std::map<std::string, std::string>& settings) {
    static constexpr std::string_view kPrefixes[] = {"client_key.", "tls_client.", "redirect_uri."};
    for (const auto& [key, value] : settings) {
        for (const std::string_view prefix : kPrefixes) {
            if (!key.starts_with(prefix)) {
                continue;
            }
            const std::string id = key.substr(prefix.size());
            const auto it = std::find_if(clients.begin(), clients.end(),
                                         [&](const Client& c) { return c.id == id; });
            if (it == clients.end()) {
                throw std::invalid_argument("--setting " + key + " names no --client '" + id + "'");
            }
            if (prefix == "client_key.") {
                it->key_file = value;
            } else if (prefix == "tls_client.") {
                it->tls_subject = value;
            } else {
                it->redirect_uris = split_commas(value);
            }
        }
    }
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
    if (client == nullptr || client->secret.empty() || client->secret.size() != secret.size()) {
        return nullptr;
    }
    if (CRYPTO_memcmp(client->secret.data(), secret.data(), secret.size()) != 0) {
        return nullptr;
    }
    return client;
}

}  // namespace devserver
