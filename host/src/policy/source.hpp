// Where a policy value came from, for error messages and `config explain`.
#pragma once

#include <cstdint>
#include <string>

namespace latchkey::policy {

struct SourcePos {
    std::string file;
    uint32_t line = 0;
    uint32_t column = 0;

    bool known() const { return !file.empty(); }
    // "path:line:column", or "path" when the position is unknown.
    std::string str() const {
        if (!line) return file;
        return file + ":" + std::to_string(line) + ":" + std::to_string(column);
    }
};

}  // namespace latchkey::policy
