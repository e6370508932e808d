#include "capi/c_error.hpp"

#include <cstdlib>
#include <cstring>

namespace latchkey::capi {

namespace {

char* copy(std::string_view s) {
    char* out = static_cast<char*>(std::malloc(s.size() + 1));
    if (!out) return nullptr;
    std::memcpy(out, s.data(), s.size());
    out[s.size()] = '\0';
    return out;
}

// Each library kind beside its C value: one table for both directions.
struct KindPair {
    ErrorKind kind;
    latchkey_error_kind c;
};
constexpr KindPair kKinds[] = {
    {ErrorKind::usage, LATCHKEY_ERROR_USAGE},
    {ErrorKind::config, LATCHKEY_ERROR_CONFIG},
    {ErrorKind::plugin, LATCHKEY_ERROR_PLUGIN},
    {ErrorKind::rejected, LATCHKEY_ERROR_REJECTED},
    {ErrorKind::transient, LATCHKEY_ERROR_TRANSIENT},
    {ErrorKind::login_required, LATCHKEY_ERROR_LOGIN_REQUIRED},
    {ErrorKind::storage, LATCHKEY_ERROR_STORAGE},
    {ErrorKind::internal, LATCHKEY_ERROR_INTERNAL},
};

latchkey_error_kind c_kind(ErrorKind kind) {
    for (auto& k : kKinds)
        if (k.kind == kind) return k.c;
    return LATCHKEY_ERROR_INTERNAL;
}

// The command a person runs to log in, said with the handle's own program
// ("latchkey --config /etc/x.toml"): the library's error knows only "latchkey".
std::string login_command(const Error* cause, const LoginHint& hint) {
    constexpr std::string_view plain = "latchkey ";
    std::string_view next = cause ? std::string_view(cause->next_command()) : std::string_view();
    if (next.starts_with(plain))
        return std::string(hint.program) + " " + std::string(next.substr(plain.size()));
    std::string cmd = std::string(hint.program) + " login";
    if (!hint.site.empty()) cmd += " --at " + std::string(hint.site);
    return cmd;
}

latchkey_error_kind fill(latchkey_error* error, ErrorKind kind, std::string_view message,
                         const Error* cause, const LoginHint& hint) {
    latchkey_error_kind k = c_kind(kind);
    if (!error || error->struct_size < LATCHKEY_ERROR_V1_0_SIZE) return k;
    latchkey_error_clear(error);
    error->kind = k;
    try {
        error->message = copy(message);
        if (const PolicyPosition* at = cause ? cause->position() : nullptr) {
            error->file = copy(at->file);
            error->line = at->line;
            error->column = at->column;
        }
        if (k == LATCHKEY_ERROR_LOGIN_REQUIRED) error->command = copy(login_command(cause, hint));
    } catch (...) {
        // Out of memory while describing the error: the kind still says what failed.
    }
    return k;
}

}  // namespace

latchkey_error_kind fail(latchkey_error* error, ErrorKind kind, std::string_view message,
                         const LoginHint& hint) {
    return fill(error, kind, message, nullptr, hint);
}

latchkey_error_kind fail(latchkey_error* error, const Error& e, const LoginHint& hint) {
    return fill(error, e.kind(), e.what(), &e, hint);
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
    if (kind == LATCHKEY_ERROR_NONE) return "none";
    for (auto& k : latchkey::capi::kKinds)
        if (k.c == kind) return latchkey::to_string(k.kind);
    return "unknown";
}

}  // extern "C"
