// The helper's last word. A plugin that eats memory dies of whatever its
// failed allocation leads to (an abort, a null pointer), which on its own
// looks like any crash; so before a fatal signal ends the helper, a handler
// sends the host one frame saying how much address space it was using
// ({"op":"dying","memory_mib":"…"}), and the host names the memory limit
// when that was the cause. The frame is serialized with RapidJSON at start;
// the handler only writes the digits in place (nothing else is safe there).
#pragma once

namespace latchkey::isolation {

// Installs the handlers (SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE, on an
// alternate stack) that send the frame on `fd`, then die of the signal.
void report_fatal_signals(int fd);

}  // namespace latchkey::isolation
