// The environment an exec program runs with: a small, documented set taken
// from latchkey's own environment, then what the site configures. Nothing
// else leaks through (a LATCHKEY_* secret, another tool's token).
#pragma once

#include <string>
#include <vector>

namespace latchkey::exec {

struct EnvSettings {
    std::vector<std::string> pass_env;    // names copied from latchkey's environment
    std::vector<std::string> env;         // "NAME=value"
    std::vector<std::string> secret_env;  // "NAME=value", values are secrets
    bool interactive = false;             // adds the terminal and browser variables
    std::string exec_info;                // KUBERNETES_EXEC_INFO
};

// Variables always copied from latchkey's environment when set.
const std::vector<std::string>& base_variables();
// Added for a run that has the person's terminal (`interactive` during login).
const std::vector<std::string>& interactive_variables();

// "NAME=value" entries, last assignment of a name wins, in the order:
// base (plus interactive) variables, pass_env, env, secret_env,
// KUBERNETES_EXEC_INFO. Throws std::invalid_argument naming a malformed
// entry of `env` or `pass_env`, or only the position of one of secret_env
// (its text is a secret).
std::vector<std::string> build_environment(const EnvSettings& settings);

// The value of NAME in `environment`, or "" when it is not there.
std::string lookup(const std::vector<std::string>& environment, const std::string& name);

}  // namespace latchkey::exec
