// Refusing files that someone else could have written or read.
#pragma once

#include <optional>
#include <string>

namespace latchkey::util {

// Why `path` could have been written by someone other than us or root (mode
// bits for group/other, or another owner); nullopt when it is safe to trust.
std::optional<std::string> untrusted_writer(const std::string& path);

// The mode bits of `path` as four octal digits, e.g. "0644".
std::string octal_mode(unsigned mode);

}  // namespace latchkey::util
