// What a running agent answers its clients (the library's Host, the program,
// the front door), as they read it: "STATUS\nBODY", the body read as an
// answer to GET /v1/token, GET /v1/credential and POST /v1/invalidate, and a
// site's error raised from it.
#include <cstdlib>
#include <string>

#include "agent_client/agent_client.hpp"
#include "agent_client/agent_rules.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace latchkey::agent;
    const std::string text(reinterpret_cast<const char*>(data), size);
    auto nl = text.find('\n');
    AgentReply reply{nl == std::string::npos ? 200 : std::atoi(text.substr(0, nl).c_str()),
                     nl == std::string::npos ? text : text.substr(nl + 1)};
    for (const TokenAnswer& a : {interpret_token_reply(reply), interpret_credential_reply(reply),
                                 interpret_invalidate_reply(reply)}) {
        if (a.error) (void)site_error(*a.error).position();
        // What is served is never empty.
        if ((a.token && a.token->token.empty()) || (a.credential && a.credential->token.empty()))
            std::abort();
    }
    return 0;
}
