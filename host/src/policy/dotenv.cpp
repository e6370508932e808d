#include "policy/dotenv.hpp"

#include <string_view>

#include "latchkey/error.hpp"
#include "util/regular_file.hpp"
#include "util/strings.hpp"

namespace latchkey::policy {

Dotenv read_dotenv(const std::string& path) {
    Dotenv out;
    auto file = util::read_regular_file(path);
    if (file.missing) return out;
    if (!file.text) throw Error(ErrorKind::config, file.error);
    std::string_view rest = *file.text;
    uint32_t n = 0;
    while (!rest.empty()) {
        auto eol = rest.find('\n');
        std::string line(rest.substr(0, eol));
        rest = eol == std::string_view::npos ? std::string_view{} : rest.substr(eol + 1);
        ++n;
        std::string t = util::trim(line);
        if (t.empty() || t[0] == '#') continue;
        if (t.rfind("export ", 0) == 0) t = util::trim(t.substr(7));
        auto eq = t.find('=');
        if (eq == std::string::npos || eq == 0)
            throw Error(ErrorKind::config, path + ":" + std::to_string(n) +
                                               ": expected NAME=value; fix or remove this line");
        std::string name = util::trim(t.substr(0, eq));
        std::string value = util::trim(t.substr(eq + 1));
        if (!value.empty() && (value.front() == '"' || value.front() == '\'')) {
            // Quoted: the value ends at the matching quote; a comment may follow.
            auto close = value.find(value.front(), 1);
            if (close == std::string::npos)
                throw Error(ErrorKind::config, path + ":" + std::to_string(n) + ": " + name +
                                                   ": the quote is never closed");
            value = value.substr(1, close - 1);
        } else if (auto hash = value.find(" #"); hash != std::string::npos) {
            value = util::trim(value.substr(0, hash));
        }
        out[name] = {value, n};
    }
    util::wipe(*file.text);
    return out;
}

}  // namespace latchkey::policy
