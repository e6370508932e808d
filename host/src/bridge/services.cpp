#include "bridge/services.hpp"

#include <iostream>

namespace latchkey::bridge {

void Services::log(LogLevel level, const std::string& message) const {
    if (static_cast<int>(level) < static_cast<int>(log_level)) return;
    std::string line = redactor.redact(message);
    if (log_sink) {
        log_sink(level, line);
        return;
    }
    static const char* names[] = {"debug", "info", "warning", "error"};
    std::cerr << "latchkey: " << names[static_cast<int>(level)] << ": " << line << std::endl;
}

namespace cb {
// URL-encoding through libcurl (in the HTTP module), the same code that sends the request.
void url_encode(void*, const char* text, latchkey_sink sink, void* user) {
    std::string out = http::url_encode(text ? text : "");
    sink(user, out.data(), out.size());
}
}  // namespace cb

}  // namespace latchkey::bridge
