#include "util/home_path.hpp"

#include <cstdlib>
#include <string_view>

namespace latchkey::util {

std::string expand_home(const std::string& path) {
    const char* home = std::getenv("HOME");
    if (!home || !*home) return path;
    for (std::string_view prefix : {"~", "${HOME}", "$HOME"}) {
        if (path.compare(0, prefix.size(), prefix) != 0) continue;
        std::string_view rest = std::string_view(path).substr(prefix.size());
        if (rest.empty() || rest.front() == '/') return std::string(home) + std::string(rest);
    }
    return path;
}

}  // namespace latchkey::util
