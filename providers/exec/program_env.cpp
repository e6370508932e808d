#include "program_env.hpp"

#include <cstdlib>
#include <cstring>
#include <map>
#include <stdexcept>

extern char** environ;

namespace latchkey::exec {

namespace {

bool valid_name(const std::string& name) {
    if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
    for (char c : name)
        if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9')))
            return false;
    return true;
}

// Locale variables come as a family (LC_ALL, LC_CTYPE, LC_TIME ...).
bool is_locale_variable(const char* entry) { return std::strncmp(entry, "LC_", 3) == 0; }

void copy_from_process(std::map<std::string, std::string>& out, const std::string& name) {
    if (const char* v = std::getenv(name.c_str())) out[name] = v;
}

}  // namespace

const std::vector<std::string>& base_variables() {
    // What almost every program needs to find itself, its files and the
    // network; proxies because latchkey's own HTTP honours them too.
    static const std::vector<std::string> names = {
        "PATH",     "HOME",       "USER",        "LOGNAME",    "LANG",
        "LANGUAGE", "TZ",         "TMPDIR",      "http_proxy", "https_proxy",
        "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY",   "ALL_PROXY",
    };
    return names;
}

const std::vector<std::string>& interactive_variables() {
    // A login program talks to the terminal and may open a browser.
    static const std::vector<std::string> names = {"TERM", "DISPLAY", "WAYLAND_DISPLAY", "BROWSER",
                                                   "XDG_RUNTIME_DIR"};
    return names;
}

std::vector<std::string> build_environment(const EnvSettings& s) {
    std::map<std::string, std::string> vars;
    for (auto& n : base_variables()) copy_from_process(vars, n);
    for (char** e = environ; e && *e; ++e) {
        if (!is_locale_variable(*e)) continue;
        const char* eq = std::strchr(*e, '=');
        if (eq) vars[std::string(*e, static_cast<size_t>(eq - *e))] = eq + 1;
    }
    if (s.interactive)
        for (auto& n : interactive_variables()) copy_from_process(vars, n);
    if (!vars.count("PATH")) vars["PATH"] = "/usr/local/bin:/usr/bin:/bin";

    for (auto& n : s.pass_env) {
        if (!valid_name(n))
            throw std::invalid_argument("pass_env: \"" + n + "\" is not a variable name");
        copy_from_process(vars, n);
    }
    for (auto& entry : s.env) {
        auto eq = entry.find('=');
        std::string name = entry.substr(0, eq);
        if (eq == std::string::npos || !valid_name(name))
            throw std::invalid_argument("env: \"" + entry + "\" is not NAME=value");
        vars[name] = entry.substr(eq + 1);
    }
    for (size_t i = 0; i < s.secret_env.size(); ++i) {
        const std::string& entry = s.secret_env[i];
        auto eq = entry.find('=');
        std::string name = entry.substr(0, eq);
        if (eq == std::string::npos || !valid_name(name))
            throw std::invalid_argument("secret_env: entry " + std::to_string(i + 1) +
                                        " is not NAME=value");
        vars[name] = entry.substr(eq + 1);
    }
    vars["KUBERNETES_EXEC_INFO"] = s.exec_info;

    std::vector<std::string> out;
    out.reserve(vars.size());
    for (auto& [k, v] : vars) out.push_back(k + "=" + v);
    return out;
}

std::string lookup(const std::vector<std::string>& environment, const std::string& name) {
    for (auto& e : environment)
        if (e.size() > name.size() && e.compare(0, name.size(), name) == 0 && e[name.size()] == '=')
            return e.substr(name.size() + 1);
    return "";
}

}  // namespace latchkey::exec
