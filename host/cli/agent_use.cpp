#include "agent_use.hpp"

#include <cstdlib>
#include <iostream>

#include "agent_rules.hpp"

namespace latchkey::cli {

namespace {

bool verbose(const Context& ctx) { return ctx.host_options.log_level <= LogLevel::info; }

// "/v1/ENDPOINT?site=S&min_valid=D" for `site`, else the one this run names.
std::string agent_target(const Context& ctx, const std::string& endpoint, const std::string& site,
                         const std::string& min_valid) {
    return agent::request_target(endpoint, site.empty() ? named_site(ctx) : site, min_valid);
}

// Says (with -v) who answered; true when the agent did.
bool agent_answered(const Context& ctx, const agent::TokenAnswer& answer,
                    const std::string& socket) {
    if (answer.work_alone) {
        if (verbose(ctx))
            std::cerr << "latchkey: working alone (" << display(answer.why_alone) << ")"
                      << std::endl;
        return false;
    }
    if (verbose(ctx)) std::cerr << "latchkey: served by the agent at " << socket << std::endl;
    if (answer.error) throw agent::site_error(*answer.error);
    return true;
}

}  // namespace

std::optional<std::string> agent_socket(const Context& ctx) {
    return agent::agent_socket_for(ctx.host_options);
}

std::string named_site(const Context& ctx) {
    if (ctx.host_options.site) return *ctx.host_options.site;
    if (const char* s = std::getenv("LATCHKEY_SITE"); s && *s) return s;
    return "";
}

SiteCredential site_credential(Context& ctx, const std::string& site,
                               const std::string& min_valid) {
    if (auto socket = agent_socket(ctx)) {
        auto answer = agent::interpret_token_reply(
            agent::ask_agent(*socket, "GET", agent_target(ctx, "/v1/token", site, min_valid),
                             admin::policy_file(ctx.host_options.config_path)));
        if (agent_answered(ctx, answer, *socket)) {
            auto& t = *answer.token;
            return {t.site,          t.token,         t.token_type, t.header,
                    t.extra_headers, t.expires_at_ms, true,         t.token_username};
        }
    }
    auto& admin = ctx.admin();
    const std::string name = site.empty() ? admin.selected_site() : site;
    Credential c = min_valid.empty() ? admin.token(name)
                                     : admin.token(name, *admin::parse_duration_ms(min_valid));
    std::vector<std::string> lines = admin.header_lines(name, c);
    lines.erase(lines.begin());
    SiteCredential out;
    out.site = name;
    out.token = c.token();
    out.token_type = c.token_type();
    out.header = c.header();
    out.extra_headers = std::move(lines);
    out.expires_at_ms = c.expires_at_ms();
    return out;
}

void forget_credential(Context& ctx, const std::string& site, const std::string& refused_token) {
    if (auto socket = agent_socket(ctx)) {
        auto answer = agent::interpret_invalidate_reply(
            agent::ask_agent(*socket, "POST", agent_target(ctx, "/v1/invalidate", site, ""),
                             admin::policy_file(ctx.host_options.config_path),
                             agent::invalidate_body(refused_token)));
        if (agent_answered(ctx, answer, *socket)) return;
    }
    ctx.admin().invalidate(site, refused_token);
}

}  // namespace latchkey::cli
