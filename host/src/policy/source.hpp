// Where a policy value came from, for error messages and `config explain`.
#pragma once

#include <cstdint>
#include <string>

#include "latchkey/error.hpp"

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

// An error that says `message` and keeps `pos` whole for programs
// (latchkey_error's file, line, column) when it names a line.
inline Error error_at(ErrorKind kind, const std::string& message, const SourcePos& pos) {
    if (!pos.line) return Error(kind, message);
    return Error(kind, message, PolicyPosition{pos.file, pos.line, pos.column});
}

inline Error config_error(const std::string& message, const SourcePos& pos) {
    return error_at(ErrorKind::config, message, pos);
}

// A policy error at `pos`: "path:line:column: WHAT".
inline Error config_error_at(const SourcePos& pos, const std::string& what) {
    return config_error(pos.str() + ": " + what, pos);
}

}  // namespace latchkey::policy
