// No exception crosses a module's table.
//
// The CLI carries its own copy of the C++ runtime (it is linked with
// -static-libstdc++ -static-libgcc) while a module uses libstdc++.so. An
// exception thrown under one runtime and caught under the other would pass
// between two unwinders and leave each runtime's count of exceptions in
// flight wrong. So a module catches what its code throws and hands back a
// Fault, and the host raises it again as an Error. Plain data (strings,
// containers, objects with virtual functions) crosses freely: both sides
// come from the same build and allocate through the same malloc.
#pragma once

#include <exception>
#include <string>
#include <type_traits>
#include <utility>

#include "latchkey/error.hpp"

namespace latchkey::module {

struct Fault {
    bool set = false;
    ErrorKind kind = ErrorKind::internal;
    std::string message;
};

// Module side: runs fn and returns its result; whatever fn throws is kept
// in `fault` instead, and a value-initialised result is returned.
template <class Fn>
auto contain(Fault& fault, Fn&& fn) noexcept -> decltype(fn()) {
    try {
        return fn();
    } catch (const Error& e) {
        fault = {true, e.kind(), e.what()};
    } catch (const std::exception& e) {
        fault = {true, ErrorKind::internal, e.what()};
    } catch (...) {
        fault = {true, ErrorKind::internal, "unknown error in a latchkey module"};
    }
    if constexpr (!std::is_void_v<decltype(fn())>) return {};
}

// Module side, for a table function that reports failure in an `error`
// string: as above, with the message of what fn threw put in `error`.
template <class Fn>
auto contain(std::string& error, Fn&& fn) noexcept -> decltype(fn()) {
    Fault fault;
    auto result = contain(fault, std::forward<Fn>(fn));
    if (fault.set) error = std::move(fault.message);  // a move: cannot throw
    return result;
}

// Host side: throws the Error a module handed back, if any.
void raise_if_set(const Fault& fault);

}  // namespace latchkey::module
