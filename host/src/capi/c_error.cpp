#include "capi/c_error.hpp"

#include <cstdlib>
#include <cstring>
#include <regex>

namespace latchkey::capi {

namespace {

char* copy(std::string_view s) {
    char* out = static_cast<char*>(std::malloc(s.size() + 1));
    if (!out) return nullptr;
    std::memcpy(out, s.data(), s.size());
    out[s.size()] = '\0';
    return out;
}

latchkey_error_kind c_kind(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::usage:
            return LATCHKEY_ERROR_USAGE;
        case ErrorKind::config:
            return LATCHKEY_ERROR_CONFIG;
        case ErrorKind::plugin:
            return LATCHKEY_ERROR_PLUGIN;
        case ErrorKind::rejected:
            return LATCHKEY_ERROR_REJECTED;
        case ErrorKind::transient:
            return LATCHKEY_ERROR_TRANSIENT;
        case ErrorKind::login_required:
            return LATCHKEY_ERROR_LOGIN_REQUIRED;
        case ErrorKind::storage:
            return LATCHKEY_ERROR_STORAGE;
        case ErrorKind::internal:
            return LATCHKEY_ERROR_INTERNAL;
    }
    return LATCHKEY_ERROR_INTERNAL;
}

// The library's policy errors start with, or quote, "FILE:LINE:COLUMN"; an
// FFI caller should not have to parse the message for it. (The file has a
// '.' or a '/', so that a time such as 06:30:45 is not taken for one.)
void fill_position(latchkey_error* error, const std::string& message) {
    static const std::regex position(R"(([^\s'"`:]*[./][^\s'"`:]*):([0-9]{1,9}):([0-9]{1,9}))");
    std::smatch m;
    if (!std::regex_search(message, m, position)) return;
    error->file = copy(m[1].str());
    error->line = static_cast<uint32_t>(std::stoul(m[2].str()));
    error->column = static_cast<uint32_t>(std::stoul(m[3].str()));
}

// The library's login_required messages end with "run `latchkey login ...`".
std::string login_command(const std::string& message, const LoginHint& hint) {
    static const std::regex quoted("`latchkey (login[^`]*)`");
    std::smatch m;
    std::string program(hint.program);
    if (std::regex_search(message, m, quoted)) return program + " " + m[1].str();
    std::string cmd = program + " login";
    if (!hint.site.empty()) cmd += " --at " + std::string(hint.site);
    return cmd;
}

}  // namespace

latchkey_error_kind fail(latchkey_error* error, ErrorKind kind, std::string_view message,
                         const LoginHint& hint) {
    latchkey_error_kind k = c_kind(kind);
    if (!error || error->struct_size < LATCHKEY_ERROR_V1_0_SIZE) return k;
    latchkey_error_clear(error);
    error->kind = k;
    try {
        std::string text(message);
        error->message = copy(text);
        if (k == LATCHKEY_ERROR_CONFIG) fill_position(error, text);
        if (k == LATCHKEY_ERROR_LOGIN_REQUIRED) error->command = copy(login_command(text, hint));
    } catch (...) {
        // Out of memory while describing the error: the kind still says what failed.
    }
    return k;
}

}  // namespace latchkey::capi

extern "C" {

void latchkey_error_clear(latchkey_error* error) {
    if (!error || error->struct_size < LATCHKEY_ERROR_V1_0_SIZE) return;
    std::free(error->message);
    std::free(error->file);
    std::free(error->command);
    error->kind = LATCHKEY_ERROR_NONE;
    error->message = error->file = error->command = nullptr;
    error->line = error->column = 0;
}

const char* latchkey_error_kind_name(latchkey_error_kind kind) {
    switch (kind) {
        case LATCHKEY_ERROR_NONE:
            return "none";
        case LATCHKEY_ERROR_USAGE:
            return latchkey::to_string(latchkey::ErrorKind::usage);
        case LATCHKEY_ERROR_CONFIG:
            return latchkey::to_string(latchkey::ErrorKind::config);
        case LATCHKEY_ERROR_PLUGIN:
            return latchkey::to_string(latchkey::ErrorKind::plugin);
        case LATCHKEY_ERROR_REJECTED:
            return latchkey::to_string(latchkey::ErrorKind::rejected);
        case LATCHKEY_ERROR_TRANSIENT:
            return latchkey::to_string(latchkey::ErrorKind::transient);
        case LATCHKEY_ERROR_LOGIN_REQUIRED:
            return latchkey::to_string(latchkey::ErrorKind::login_required);
        case LATCHKEY_ERROR_STORAGE:
            return latchkey::to_string(latchkey::ErrorKind::storage);
        case LATCHKEY_ERROR_INTERNAL:
            return latchkey::to_string(latchkey::ErrorKind::internal);
    }
    return "unknown";
}

}  // extern "C"
