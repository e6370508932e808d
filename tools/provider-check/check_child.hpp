// Each check that calls into the plugin runs in a child process of its own:
// a crash, or an exception that leaves the C boundary (std::terminate), then
// fails the check it happened in instead of ending the run. The child is
// this program started again (posix_spawn, not a bare fork), so that under
// AddressSanitizer it is an ordinary process whose LeakSanitizer runs at exit:
// GCC 12's leak checker dies in forked children that loaded a provider.
#pragma once

#include <string>
#include <vector>

#include "check_report.hpp"

namespace latchkey::check {

// The hidden first argument that makes this program one check's child.
inline constexpr const char* kRunCheck = "--run-check";

// True when this program runs under AddressSanitizer: the leak check is
// then LeakSanitizer's, at the child's exit.
bool under_leak_sanitizer();

// Runs `latchkey-provider-check --run-check CHECK ARGS...` and puts its
// verdict in `report`. With `watch_leaks`, under AddressSanitizer, a leak
// LeakSanitizer finds at the child's exit fails the check, with its summary.
void run_child_check(Report& report, const std::string& check, const std::vector<std::string>& args,
                     bool watch_leaks);

// In the child: hands the verdict to the parent. Everything the plugin
// writes to standard output goes to standard error instead (call first).
void take_verdict_channel();
void send_verdict(bool ok, const std::string& detail);

}  // namespace latchkey::check
