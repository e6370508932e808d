// What the request handlers share. Everything referenced here outlives the server.
#pragma once

#include <cstdint>

#include "clients.hpp"
#include "faults.hpp"
#include "stats.hpp"
#include "tokens.hpp"

namespace devserver {

struct ServerContext {
    const ClientRegistry& clients;
    TokenStore& tokens;
    Stats& stats;
    FaultBoard& faults;
    std::int64_t token_lifetime;  // seconds, reported as expires_in
};

}  // namespace devserver
