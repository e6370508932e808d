#include "grants.hpp"

#include <map>

namespace devserver {
namespace {

// Function-local so registration from other files' static initialisers is safe whatever
// the initialisation order.
std::map<std::string, GrantEntry>& table() {
    static std::map<std::string, GrantEntry> all;
    return all;
}

}  // namespace

GrantType::GrantType(const char* name, GrantHandler handler, bool allow_anonymous) {
    table()[name] = GrantEntry{handler, allow_anonymous};
}

const GrantEntry* find_grant(const std::string& name) {
    const auto it = table().find(name);
    return it == table().end() ? nullptr : &it->second;
}

std::vector<std::string> grant_type_names() {
    std::vector<std::string> names;
    for (const auto& [name, entry] : table()) {
        names.push_back(name);
    }
    return names;
}

}  // namespace devserver
