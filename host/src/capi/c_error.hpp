// Turning what a C++ call threw into a latchkey_error (latchkey/latchkey.h).
#pragma once

#include <string>
#include <string_view>

#include "latchkey/error.hpp"
#include "latchkey/latchkey.h"

namespace latchkey::capi {

// Fills `error` (when the caller gave one big enough) and returns the kind.
// `site` names the site asked for, for a login_required message that names
// no command.
latchkey_error_kind fail(latchkey_error* error, ErrorKind kind, std::string_view message,
                         std::string_view site = {});

// Runs `fn` (which returns nothing) and answers NONE, or the kind of what it
// threw: nothing crosses the C boundary.
template <class Fn>
latchkey_error_kind guarded(latchkey_error* error, std::string_view site, Fn&& fn) noexcept {
    try {
        fn();
        return LATCHKEY_ERROR_NONE;
    } catch (const Error& e) {
        return fail(error, e.kind(), e.what(), site);
    } catch (const std::bad_alloc&) {
        return fail(error, ErrorKind::internal, "out of memory");
    } catch (const std::exception& e) {
        return fail(error, ErrorKind::internal, std::string("unexpected error: ") + e.what());
    } catch (...) {
        return fail(error, ErrorKind::internal, "unexpected error");
    }
}

}  // namespace latchkey::capi
