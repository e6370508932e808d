// Wall-clock time in Unix epoch milliseconds.
#pragma once

#include <cstdint>
#include <ctime>

namespace latchkey::util {

inline int64_t now_ms() {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return int64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

// A few milliseconds coarse, several times cheaper: good enough for the hot
// path's "is it time to refresh yet" check, whose windows are seconds wide.
inline int64_t coarse_now_ms() {
    timespec ts;
    clock_gettime(CLOCK_REALTIME_COARSE, &ts);
    return int64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

}  // namespace latchkey::util
