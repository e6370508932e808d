// For targets that call into liblatchkey: a latchkey::Error, a clear message
// naming what is wrong, is the right answer to bad input; anything else
// escapes and fails the run.
#pragma once

#include "latchkey/error.hpp"

namespace latchkey::fuzz {

template <class Fn>
void guarded(Fn&& fn) {
    try {
        fn();
    } catch (const Error&) {
    }
}

}  // namespace latchkey::fuzz
