// The soak scenarios (docs/reliability.md). Each prints its rows of the
// figures table and returns false when a figure misses its goal.
#pragma once

#include <string>

namespace soak {

struct FleetOptions {
    std::string mode;  // "threads" | "processes"
    double minutes = 10;
    int workers = 8;
    double fail_rate = 0.3;
    int lifetime_s = 2;
    int pace_ms = 20;     // each caller sleeps a random 0..pace_ms between calls
    int grace_ms = 5;     // lateness below this is the caller's own scheduling, reported apart
    long max_calls = 5'000'000;  // per worker: a bound besides time
};
bool run_fleet(const FleetOptions& o);

struct KillOptions {
    std::string backend;  // "file" | "keyring" | "redis"
    int saves = 500;
    bool private_bus = false;  // keyring: tools/soak started a private session bus
};
bool run_kill(const KillOptions& o);
// The child that saves back to back until it is killed (internal).
int save_child(int argc, char** argv);

struct HerdOptions {
    int processes = 32;
    int calls = 200;
    int lifetime_s = 1;
    double max_minutes = 10;  // a bound besides the call count
};
bool run_herd(const HerdOptions& o);

}  // namespace soak
