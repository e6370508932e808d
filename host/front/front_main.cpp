// The `latchkey` users run: a small static program that answers
// `latchkey token` from a running agent in one round trip, and hands every
// other command line, and every answer but a token, to the full program
// (full_program.hpp). A cached token is a whole process start, and most of
// a dynamically linked program's start is the loader's work before main():
// this one has no loader, no shared object and no static constructor of
// the library, so asking the agent costs about what /bin/true does.
// docs/agent.md ("The front door") has the figures.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "agent_client.hpp"
#include "full_program.hpp"
#include "policy/policy_path.hpp"
#include "socket_path.hpp"
#include "token_request.hpp"
#include "util/core_dumps.hpp"

namespace {

// The token the agent serves for `request`, printed as `latchkey token`
// prints it; false when the agent gave anything else (the full program
// then asks again and says what it was, or works alone).
bool print_token_from_agent(const latchkey::front::TokenRequest& request, bool& agent_answered) {
    bool explicit_choice = false;
    auto reply = latchkey::agent::ask_agent(
        latchkey::agent::default_socket_path(), "GET",
        latchkey::agent::request_target("/v1/token", request.site, request.min_valid),
        latchkey::policy::policy_path(request.config, explicit_choice));
    agent_answered = reply.has_value();
    auto answer = latchkey::agent::interpret_token_reply(reply);
    if (!answer.token) return false;
    const std::string& token = answer.token->token;
    std::fwrite(token.data(), 1, token.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    const char* mode = std::getenv("LATCHKEY_AGENT");
    if (auto request = latchkey::front::token_request(argc, argv);
        request && !(mode && std::strcmp(mode, "off") == 0)) {
        // A token is about to be in this process: no core file may hold it.
        latchkey::util::refuse_core_dumps();
        bool agent_answered = false;
        if (print_token_from_agent(*request, agent_answered)) return 0;
        // No agent answered at all: the program need not ask again (an
        // agent that is stopped would cost its timeout twice).
        if (!agent_answered) setenv("LATCHKEY_AGENT", "off", 1);
    }
    return latchkey::front::run_full_program(argv);
}
