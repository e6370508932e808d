// Host callbacks that nothing thrown can leave.
//
// A plugin may carry its own C++ runtime (the built-in providers do), so an
// exception thrown by host code (an application's log sink, an allocation)
// must not unwind into it: caught under a runtime other than the one that
// threw it, it would leave both runtimes' bookkeeping wrong. Every callback
// in a table handed to a plugin is installed as shielded<cb::NAME>: it ends
// any exception at the boundary and returns the callback's failure value
// (LATCHKEY_E_INTERNAL, a null pointer, 0, or nothing).
#pragma once

#include <latchkey/provider.h>

#include <type_traits>

namespace latchkey::abi {

namespace shield_detail {

template <class R>
R failure_value() noexcept {
    if constexpr (std::is_same_v<R, latchkey_status>)
        return LATCHKEY_E_INTERNAL;
    else if constexpr (!std::is_void_v<R>)
        return R{};
}

template <auto Fn>
struct Shielded;

template <class R, class... Args, R (*Fn)(Args...)>
struct Shielded<Fn> {
    static R call(Args... args) noexcept {
        try {
            return Fn(args...);
        } catch (...) {
            return failure_value<R>();
        }
    }
};

}  // namespace shield_detail

template <auto Fn>
inline constexpr auto shielded = &shield_detail::Shielded<Fn>::call;

}  // namespace latchkey::abi
