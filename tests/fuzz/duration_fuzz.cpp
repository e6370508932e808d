// Durations ("90s", "1h30m", a plain number of seconds) and refresh_at
// percentages, from the policy, the environment, .env or --set.
#include <cstdint>
#include <string_view>

#include "util/duration.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    latchkey::util::parse_duration_ms(text);
    latchkey::util::parse_percent(text);
    return 0;
}
