// What the request handlers share. Everything referenced here outlives the server.
#pragma once

#include <cstdint>
#include <map>
#include <string>

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
    // --setting KEY=VALUE pairs, for endpoint modules' own knobs (a public key file, say).
    const std::map<std::string, std::string>& settings;
};

}  // namespace devserver
