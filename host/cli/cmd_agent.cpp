// `latchkey agent`: one long-running process that serves the policy's sites
// to every program on the machine over a Unix socket (docs/agent.md).
#include <iostream>

#include "agent_socket.hpp"
#include "command.hpp"
#include "run_agent.hpp"

namespace latchkey::cli {

namespace {

std::chrono::milliseconds duration_option(const po::variables_map& vm, const char* name) {
    auto text = vm[name].as<std::string>();
    auto ms = admin::parse_duration_ms(text);
    if (!ms || *ms <= 0)
        throw Error(ErrorKind::usage, std::string("--") + name +
                                          ": expected a duration such as 10s or 1m, got \"" + text +
                                          "\"");
    return std::chrono::milliseconds(*ms);
}

int agent_run(Context& ctx) {
    po::options_description desc("agent");
    agent::AgentOptions o;
    desc.add_options()("socket", po::value<std::string>(),
                       "the socket to listen on (default: $LATCHKEY_AGENT_SOCKET, then "
                       "$XDG_RUNTIME_DIR/latchkey/agent.sock)")(
        "socket-mode", po::value<std::string>()->default_value("0600"),
        "permission bits of the socket; widen (e.g. 0666) only to serve other users, whom "
        "each site's `allow` list then admits")(
        "audit-file", po::value<std::string>(),
        "append the audit lines here (default: standard error, i.e. the journal under systemd)")(
        "request-timeout", po::value<std::string>()->default_value("10s"),
        "a request must arrive whole within this")("idle-timeout",
                                                   po::value<std::string>()->default_value("60s"),
                                                   "close a keep-alive connection idle this long")(
        "max-connections", po::value<size_t>()->default_value(o.limits.max_connections),
        "connections open at once; past it a new one gets 503")(
        "max-body", po::value<size_t>()->default_value(o.limits.max_body_bytes),
        "largest request body, in bytes (413 past it)");
    po::variables_map vm;
    if (!parse_command_options(ctx, "agent", "agent [--socket PATH] [--audit-file FILE] ...", desc,
                               vm))
        return 0;
    if (vm.count("socket")) o.socket_path = vm["socket"].as<std::string>();
    if (vm.count("audit-file")) o.audit_file = vm["audit-file"].as<std::string>();
    std::string mode = vm["socket-mode"].as<std::string>();
    char* end = nullptr;
    unsigned long bits = std::strtoul(mode.c_str(), &end, 8);
    if (mode.empty() || *end || bits > 0777)
        throw Error(ErrorKind::usage,
                    "--socket-mode: expected octal permission bits such as "
                    "0600, got \"" +
                        mode + "\"");
    o.socket_mode = static_cast<unsigned>(bits);
    o.limits.request_timeout = duration_option(vm, "request-timeout");
    o.limits.idle_timeout = duration_option(vm, "idle-timeout");
    o.limits.max_connections = vm["max-connections"].as<size_t>();
    o.limits.max_body_bytes = vm["max-body"].as<size_t>();
    return agent::run_agent(ctx.host_options, o);
}

}  // namespace

std::vector<Command> agent_commands() {
    return {{"agent",
             "serve the policy's sites to other programs over a Unix socket (runs until SIGTERM; "
             "SIGHUP reloads)",
             agent_run}};
}

}  // namespace latchkey::cli
