// oidc-agent (Debian's oidc-agent-cli), the closest peer of `latchkey agent`,
// set up for a benchmark without a person: its own HOME, configuration
// directory and socket under a private directory, an account per
// authorization server made with `oidc-gen --rt` from a refresh token the
// dev server seeds (a confidential client: oidc-agent sends HTTP Basic), kept
// in the agent only (--no-save). The agent is stopped when the object goes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "process.hpp"

namespace latchkey::bench {

class OidcAgentPeer {
 public:
    // `bin_dir` holds oidc-agent, oidc-gen and oidc-token; `dir` is private
    // to the benchmark (created 0700 if missing).
    OidcAgentPeer(const std::string& bin_dir, const std::string& dir);
    ~OidcAgentPeer();

    // Whether `bin_dir` holds the three programs.
    static bool installed(const std::string& bin_dir);

    // Adds account `name` for `issuer` (the dev server's URL), whose client
    // `client_id`:`secret` was issued `refresh_token` (scope "openid
    // offline_access"). Throws with oidc-gen's output when it fails.
    void add_account(const std::string& name, const std::string& issuer,
                     const std::string& client_id, const std::string& secret,
                     const std::string& refresh_token);

    // `oidc-token ACCOUNT`, ready for posix_spawn, and the environment it needs.
    std::vector<std::string> token_argv(const std::string& account) const;
    const std::vector<std::string>& env() const { return env_; }

 private:
    std::string bin_dir_, dir_, socket_;
    std::vector<std::string> env_;
    std::unique_ptr<test::Child> agent_;
};

}  // namespace latchkey::bench
