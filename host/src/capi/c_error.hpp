// Turning what a C++ call threw into a latchkey_error (latchkey/latchkey.h).
#pragma once

#include <string>
#include <string_view>

#include "latchkey/error.hpp"
#include "latchkey/latchkey.h"

namespace latchkey::capi {

// How a person runs `latchkey login` for what a handle asked: the site, and
// the program with the handle's own --config ("latchkey --config /etc/x.toml"),
// which the library's messages cannot know.
struct LoginHint {
    std::string_view site;
    std::string_view program = "latchkey";
};

// Fills `error` (when the caller gave one big enough) and returns the kind.
latchkey_error_kind fail(latchkey_error* error, ErrorKind kind, std::string_view message,
                         const LoginHint& hint = {});
// The same for what the library threw: its policy position and next command too.
latchkey_error_kind fail(latchkey_error* error, const Error& e, const LoginHint& hint);

// Runs `fn` (which returns nothing) and answers NONE, or the kind of what it
// threw: nothing crosses the C boundary.
template <class Fn>
latchkey_error_kind guarded(latchkey_error* error, const LoginHint& hint, Fn&& fn) noexcept {
    try {
        fn();
        return LATCHKEY_ERROR_NONE;
    } catch (const Error& e) {
        return fail(error, e, hint);
    } catch (const std::bad_alloc&) {
        return fail(error, ErrorKind::internal, "out of memory");
    } catch (const std::exception& e) {
        return fail(error, ErrorKind::internal, std::string("unexpected error: ") + e.what());
    } catch (...) {
        return fail(error, ErrorKind::internal, "unexpected error");
    }
}

}  // namespace latchkey::capi
