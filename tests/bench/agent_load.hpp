// The throughput half of bench_agent: many keep-alive connections to the
// agent's socket, each asking for a cached token again as soon as its answer
// arrived, all driven by one event loop per client thread, the way load
// generators such as wrk and h2load drive theirs. A thread per connection
// would measure the machine's thread switches more than the agent.
#pragma once

#include <string>

namespace latchkey::bench {

struct LoadResult {
    long answered = 0;  // 200 answers
    long failed = 0;    // any other answer, or a broken connection
};

// `connections` connections on `threads` client threads, for `seconds`;
// each sends GET `target` to the Unix socket `socket_path`.
LoadResult drive_load(const std::string& socket_path, const std::string& target, int connections,
                      int threads, double seconds);

}  // namespace latchkey::bench
