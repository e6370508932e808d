// Scope strings (RFC 6749 §3.3): space-separated, order kept, duplicates dropped.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clients.hpp"

namespace devserver {

std::vector<std::string> split_scopes(std::string_view text);
std::string join_scopes(const std::vector<std::string>& scopes);
bool has_scope(const std::vector<std::string>& scopes, std::string_view scope);

// The scopes to grant for a request that asked for `requested` (nullptr: not given).
// Without a request the client's configured scopes are the default (§3.3 lets the
// server apply one). Returns the first scope the client may not have in `refused`.
std::vector<std::string> granted_scopes(const Client& client, const std::string* requested,
                                        std::optional<std::string>& refused);

}  // namespace devserver
