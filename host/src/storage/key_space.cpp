#include "storage/key_space.hpp"

#include <cctype>
#include <string_view>

namespace latchkey::storage {

namespace {
constexpr std::string_view kCachePrefix = "_cache.";
}

std::string cache_key(const std::string& credential_key, const std::string& name) {
    // No dots in the name: the last dot of the key ends the credential key.
    std::string safe;
    for (char c : name) safe += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
    return std::string(kCachePrefix) + credential_key + "." + safe;
}

bool is_cache_key(const std::string& key) { return key.rfind(kCachePrefix, 0) == 0; }

std::string site_of_key(const std::string& key) {
    std::string credential_key = key;
    if (is_cache_key(key)) {
        credential_key = key.substr(kCachePrefix.size());
        auto name = credential_key.rfind('.');
        if (name == std::string::npos) return "";
        credential_key.resize(name);
    }
    auto hash = credential_key.rfind('.');
    return hash == std::string::npos ? "" : credential_key.substr(0, hash);
}

}  // namespace latchkey::storage
