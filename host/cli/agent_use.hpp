// When the program asks a running `latchkey agent` instead of working
// alone, and how it turns the agent's answer into its own output.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "command.hpp"

namespace latchkey::cli {

// The agent's socket when this run may use one, by the rule the library
// follows (agent::agent_socket_for): not with --set or --plugin-dir (the
// agent resolves its sites its own way), not when LATCHKEY_AGENT=off.
// nullopt: work alone.
std::optional<std::string> agent_socket(const Context& ctx);

// The site this run names itself (--at, else LATCHKEY_SITE); "" lets the
// agent use its policy's default, which is the same file's.
std::string named_site(const Context& ctx);

// A site's credential as the program prints it, the same whether a running
// agent served it or this process did alone.
struct SiteCredential {
    std::string site, token, token_type, header;
    std::vector<std::string> extra_headers;  // "Name: value", sent after `header`
    int64_t expires_at_ms = 0;
    // Served by the agent: with the site's token_username ("" when it sets none).
    bool from_agent = false;
    std::string token_username;
};

// The credential of `site` ("" = the selected site): from the agent when
// one serves this run, else from ctx.admin(). `min_valid` is "" or a
// duration the credential must still be valid for. The agent's errors for
// the site are thrown as this process would throw them alone.
SiteCredential site_credential(Context& ctx, const std::string& site,
                               const std::string& min_valid = "");

// The site's server refused `refused_token` ("" = whatever is held): the
// agent forgets it when one serves this run, else this process's store does.
void forget_credential(Context& ctx, const std::string& site, const std::string& refused_token);

}  // namespace latchkey::cli
