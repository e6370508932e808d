#include "colour.hpp"

#include <unistd.h>

#include <cstdlib>
#include <string_view>

namespace latchkey::cli {

bool stderr_in_colour() {
    static const bool on = [] {
        const char* no_colour = std::getenv("NO_COLOR");
        const char* term = std::getenv("TERM");
        return isatty(STDERR_FILENO) && !(no_colour && *no_colour) &&
               !(term && std::string_view(term) == "dumb");
    }();
    return on;
}

namespace {
// Select Graphic Rendition: `code` around `text`, then back to normal.
std::string sgr(const char* code, const std::string& text) {
    return "\x1b[" + std::string(code) + "m" + text + "\x1b[0m";
}
}  // namespace

std::string error_prefix() {
    return stderr_in_colour() ? sgr("1;31", "latchkey:") + " " : "latchkey: ";
}

std::string warning_prefix() {
    return stderr_in_colour() ? sgr("1;33", "latchkey: warning:") + " " : "latchkey: warning: ";
}

}  // namespace latchkey::cli
