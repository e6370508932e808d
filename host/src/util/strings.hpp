// Small string helpers shared by the host.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace latchkey::util {

std::string trim(std::string_view s);
std::string to_upper(std::string_view s);
std::string to_lower(std::string_view s);
// Splits on any of `seps`, dropping empty pieces.
std::vector<std::string> split(std::string_view s, std::string_view seps);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
bool iequals(std::string_view a, std::string_view b);

// The candidate closest to `word` by edit distance, or "" when none is close
// enough to be a plausible typo.
std::string nearest(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace latchkey::util
