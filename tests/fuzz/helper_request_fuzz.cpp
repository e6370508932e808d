// What the credential helpers read from the tools that call them: git's
// key=value request, docker's server URL and `store` JSON, and kubectl's
// KUBERNETES_EXEC_INFO. Each input goes to every reader.
#include <string>

#include "helper_requests.hpp"
#include "support/guarded.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace latchkey::cli;
    const std::string text(reinterpret_cast<const char*>(data), size);
    latchkey::fuzz::guarded([&] {
        GitRequest request = parse_git_request(text);
        request.url();
    });
    latchkey::fuzz::guarded([&] { docker_server_url(text); });
    docker_store_url(text);
    // The environment hands over a C string: it ends at the first NUL.
    latchkey::fuzz::guarded([&] { parse_exec_info(text.c_str()); });
    return 0;
}
