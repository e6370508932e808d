// A leading "~/" in a path the user wrote means their home directory.
#pragma once

#include <string>

namespace latchkey::util {

// "~/x" -> "$HOME/x"; anything else, or no $HOME, unchanged.
std::string expand_home(const std::string& path);

}  // namespace latchkey::util
