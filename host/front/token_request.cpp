#include "token_request.hpp"

#include <cstdlib>
#include <cstring>
#include <string_view>

namespace latchkey::front {

namespace {

// Takes `--NAME VALUE` or `--NAME=VALUE` at argv[i] into `into` (advancing
// i past it); false when argv[i] is not that flag, when it was given before
// or when its value is missing or looks like a flag.
bool take_flag(const char* name, int argc, const char* const* argv, int& i,
               std::optional<std::string>& into) {
    std::string_view word = argv[i];
    const std::string_view flag = name;
    std::string value;
    if (word == flag) {
        if (i + 1 >= argc) return false;
        value = argv[++i];
    } else if (word.size() > flag.size() && word.substr(0, flag.size()) == flag &&
               word[flag.size()] == '=') {
        value = word.substr(flag.size() + 1);
    } else {
        return false;
    }
    if (into || value.empty() || value[0] == '-') return false;
    into = value;
    ++i;
    return true;
}

}  // namespace

std::optional<TokenRequest> token_request(int argc, const char* const* argv) {
    // Run as git-credential-latchkey (or any other name) the program picks
    // its command by that name.
    if (argc < 2) return std::nullopt;
    const char* slash = std::strrchr(argv[0], '/');
    if (std::string_view(slash ? slash + 1 : argv[0]) != "latchkey") return std::nullopt;
    std::optional<std::string> config, site, min_valid;
    int i = 1;
    while (i < argc && std::string_view(argv[i]) != "token")
        if (!take_flag("--config", argc, argv, i, config) &&
            !take_flag("--at", argc, argv, i, site))
            return std::nullopt;
    if (i == argc) return std::nullopt;
    ++i;  // "token"
    while (i < argc)
        if (!take_flag("--min-valid", argc, argv, i, min_valid)) return std::nullopt;
    TokenRequest request;
    request.config = config;
    if (site)
        request.site = *site;
    else if (const char* s = std::getenv("LATCHKEY_SITE"); s && *s)
        request.site = s;
    request.min_valid = min_valid.value_or("");
    return request;
}

}  // namespace latchkey::front
