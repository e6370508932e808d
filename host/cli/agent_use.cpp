#include "agent_use.hpp"

#include <cstdlib>

#include "agent_socket.hpp"

namespace latchkey::cli {

std::optional<std::string> agent_socket(const Context& ctx) {
    if (const char* mode = std::getenv("LATCHKEY_AGENT"); mode && std::string(mode) == "off")
        return std::nullopt;
    if (!ctx.host_options.sets.empty() || !ctx.host_options.plugin_dirs.empty())
        return std::nullopt;
    return agent::default_socket_path();
}

std::string named_site(const Context& ctx) {
    if (ctx.host_options.site) return *ctx.host_options.site;
    if (const char* s = std::getenv("LATCHKEY_SITE"); s && *s) return s;
    return "";
}

ErrorKind error_kind_named(const std::string& kind) {
    for (auto k : {ErrorKind::usage, ErrorKind::config, ErrorKind::plugin, ErrorKind::rejected,
                   ErrorKind::transient, ErrorKind::login_required, ErrorKind::storage})
        if (kind == to_string(k)) return k;
    return ErrorKind::internal;
}

}  // namespace latchkey::cli
