// What a latchkey_handle of the C API (latchkey/latchkey.h) is: an open
// Host, and the process it was opened in.
#pragma once

#include <cstdint>
#include <string>

#include "latchkey/host.hpp"

struct latchkey_handle {
    latchkey::Host host;
    // fork_generation() when it was opened: a handle from before a fork()
    // is refused in the child (see latchkey.h).
    uint64_t opened_in;
    // "latchkey", or "latchkey --config PATH" when the handle was opened with
    // a policy file of its own: how a person logs in for it.
    std::string program;
};

namespace latchkey::capi {

// Counts the fork()s this process went through (a child inherits its
// parent's count plus one): pthread_atfork, registered at load time.
uint64_t fork_generation() noexcept;

}  // namespace latchkey::capi
