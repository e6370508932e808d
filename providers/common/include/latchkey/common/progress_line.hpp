// Clears the host's progress line however the scope that drew it ends
// (answer, error, Ctrl-C).
#ifndef LATCHKEY_COMMON_PROGRESS_LINE_HPP
#define LATCHKEY_COMMON_PROGRESS_LINE_HPP

#include <latchkey/provider.hpp>

namespace latchkey::common {

struct ProgressLine {
    const sdk::Host& host;
    ~ProgressLine() { host.progress(""); }
};

}  // namespace latchkey::common

#endif  // LATCHKEY_COMMON_PROGRESS_LINE_HPP
