#include "util/home_path.hpp"

#include <cstdlib>

namespace latchkey::util {

std::string expand_home(const std::string& path) {
    if (path.rfind("~/", 0) == 0)
        if (const char* home = std::getenv("HOME"); home && *home) return home + path.substr(1);
    return path;
}

}  // namespace latchkey::util
