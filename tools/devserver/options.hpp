// Command-line flags of latchkey-devserver.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "clients.hpp"

namespace devserver {

struct Options {
    int port = 0;  // 0: the kernel picks a free port
    std::vector<Client> clients;
    std::int64_t token_lifetime = 3600;
    std::map<std::string, std::string> settings;  // --setting KEY=VALUE
    // Optional HTTPS listener (RFC 8705 tls_client_auth); off unless tls_cert is given.
    std::string tls_cert;
    std::string tls_key;
    std::string tls_client_ca;  // clients presenting certificates from this CA are accepted
    int tls_port = 0;
};

// Either options to run with, or the exit code to stop with (0 after --help, 2 after a
// usage error, whose message has already gone to stderr).
struct ParsedOptions {
    std::optional<Options> options;
    int exit_code = 0;
};

ParsedOptions parse_options(int argc, char** argv);

}  // namespace devserver
