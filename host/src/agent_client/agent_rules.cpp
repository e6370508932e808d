#include "agent_rules.hpp"

#include <cstdlib>

#include "socket_path.hpp"

namespace latchkey::agent {

std::optional<std::string> agent_socket_for(const HostOptions& options) {
    if (!options.ask_agent || !options.sets.empty() || !options.plugin_dirs.empty())
        return std::nullopt;
    if (const char* mode = std::getenv("LATCHKEY_AGENT"); mode && std::string_view(mode) == "off")
        return std::nullopt;
    return default_socket_path();
}

ErrorKind error_kind_named(std::string_view kind) {
    for (auto k : {ErrorKind::usage, ErrorKind::config, ErrorKind::plugin, ErrorKind::rejected,
                   ErrorKind::transient, ErrorKind::login_required, ErrorKind::storage})
        if (kind == to_string(k)) return k;
    return ErrorKind::internal;
}

Error site_error(const AgentError& e) {
    ErrorKind kind = error_kind_named(e.kind);
    Error out = e.file.empty() ? Error(kind, e.message)
                               : Error(kind, e.message, PolicyPosition{e.file, e.line, e.column});
    if (!e.next_command.empty()) out.with_next_command(e.next_command);
    return out;
}

}  // namespace latchkey::agent
