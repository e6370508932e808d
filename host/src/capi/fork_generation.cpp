// A handle opened before fork() must not be used in the child: a thread that
// does not exist there may have held the site's single-flight or state lock
// at the moment of the fork, and the child would wait for it forever. Each
// fork() bumps a counter in the child; a handle remembers the counter it was
// opened under, and the C API refuses it once the two differ.
#include <pthread.h>

#include <atomic>

#include "capi/handle.hpp"

namespace latchkey::capi {

namespace {

std::atomic<uint64_t> forks{0};

void in_child() { forks.fetch_add(1, std::memory_order_relaxed); }

// Registered once, when liblatchkey is loaded.
[[maybe_unused]] const int registered = pthread_atfork(nullptr, nullptr, in_child);

}  // namespace

uint64_t fork_generation() noexcept { return forks.load(std::memory_order_relaxed); }

}  // namespace latchkey::capi
