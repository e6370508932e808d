// What any local process may send the agent: the request target (path and
// query) and a POST /v1/invalidate body. Each input goes to both readers.
#include <string>

#include "request_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace latchkey::agent;
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::string why;
    if (auto target = parse_target(text, why))
        for (const char* key : {"site", "min_valid", ""}) target->get(key);
    refused_token(text, why);
    return 0;
}
