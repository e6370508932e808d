// Reads a ./.env file: NAME=value lines, '#' comments, optional `export `,
// optional single or double quotes around the value.
#pragma once

#include <map>
#include <string>

#include "util/secure_memory.hpp"

namespace latchkey::policy {

struct DotenvEntry {
    std::string value;
    uint32_t line = 0;
    // A .env file usually holds secrets: each value is wiped when dropped.
    ~DotenvEntry() { util::wipe(value); }
};

using Dotenv = std::map<std::string, DotenvEntry>;

// Missing file: empty map. A malformed line throws a config error naming file:line.
Dotenv read_dotenv(const std::string& path);

}  // namespace latchkey::policy
