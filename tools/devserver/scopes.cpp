#include "scopes.hpp"

#include <algorithm>

namespace devserver {

std::vector<std::string> split_scopes(std::string_view text) {
    std::vector<std::string> scopes;
    while (!text.empty()) {
        const auto space = text.find(' ');
        const std::string_view scope = text.substr(0, space);
        if (!scope.empty() && std::find(scopes.begin(), scopes.end(), scope) == scopes.end()) {
            scopes.emplace_back(scope);
        }
        if (space == std::string_view::npos) {
            break;
        }
        text.remove_prefix(space + 1);
    }
    return scopes;
}

std::string join_scopes(const std::vector<std::string>& scopes) {
    std::string out;
    for (const auto& s : scopes) {
        if (!out.empty()) {
            out += ' ';
        }
        out += s;
    }
    return out;
}

bool has_scope(const std::vector<std::string>& scopes, std::string_view scope) {
    return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

std::vector<std::string> granted_scopes(const Client& client, const std::string* requested,
                                        std::optional<std::string>& refused) {
    std::vector<std::string> scopes =
        requested == nullptr ? client.scope_order : split_scopes(*requested);
    refused.reset();
    if (client.allowed_scopes) {
        for (const auto& scope : scopes) {
            if (!client.allowed_scopes->contains(scope)) {
                refused = scope;
                break;
            }
        }
    }
    return scopes;
}

}  // namespace devserver
