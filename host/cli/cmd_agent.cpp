// `latchkey agent`: one long-running process that serves the policy's sites
// to every program on the machine over a Unix socket (docs/agent.md).
#include <iostream>
#include <latchkey/common/bounded_json.hpp>

#include "agent_rules.hpp"
#include "agent_use.hpp"
#include "command.hpp"
#include "run_agent.hpp"
#include "socket_path.hpp"

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

// `latchkey agent env --at SITE`: what a running agent's cloud endpoint
// for SITE needs in an SDK's environment, as `export` lines for a shell.
int agent_env(Context& ctx) {
    po::options_description desc("agent env");
    po::variables_map vm;
    if (!parse_command_options(ctx, "agent env", "agent env [--at SITE]", desc, vm)) return 0;
    std::string socket = agent::default_socket_path();
    auto reply =
        agent::ask_agent(socket, "GET", agent::request_target("/v1/cloud-env", named_site(ctx), ""),
                         admin::policy_file(ctx.host_options.config_path));
    if (!reply)
        throw Error(ErrorKind::config, "no agent answers at " + socket +
                                           "; start one with `latchkey agent` (or set "
                                           "LATCHKEY_AGENT_SOCKET to where it listens)");
    rapidjson::Document doc;
    if (common::parse_bounded_json(doc, reply->body) || !doc.IsObject())
        throw Error(ErrorKind::internal, "the agent's answer is not JSON");
    if (reply->status != 200) {
        auto& err = doc["error"];
        std::string kind = err.IsObject() && err.HasMember("kind") ? err["kind"].GetString() : "";
        std::string message =
            err.IsObject() && err.HasMember("message") ? err["message"].GetString() : "";
        throw Error(kind == "bad_request" ? ErrorKind::usage : agent::error_kind_named(kind),
                    message);
    }
    auto& vars = doc["variables"];
    if (ctx.format == Format::json) {
        Json j;
        vars.Accept(j.w());
        j.print();
        return 0;
    }
    // The values are a loopback URL and a hex secret: nothing a shell
    // would read inside single quotes.
    for (auto& m : vars.GetObject())
        std::cout << "export " << m.name.GetString() << "='" << m.value.GetString() << "'\n";
    std::cout.flush();
    return 0;
}

}  // namespace

std::vector<Command> agent_commands() {
    return {{"agent",
             "serve the policy's sites to other programs over a Unix socket (runs until SIGTERM; "
             "SIGHUP reloads)",
             agent_run},
            {"agent env",
             "print the variables that point cloud SDKs at the running agent's endpoint for the "
             "site (cloud_endpoint)",
             agent_env}};
}

}  // namespace latchkey::cli
