// Colour in the program's messages. Standard error is coloured only when it
// is a terminal, and never when NO_COLOR is set to anything (no-color.org) or
// TERM is "dumb": pipes, files and CI logs get the same text, plain.
#pragma once

#include <string>

namespace latchkey::cli {

bool stderr_in_colour();

// "latchkey: " before an error message and "latchkey: warning: " before a
// warning, in colour when stderr_in_colour().
std::string error_prefix();
std::string warning_prefix();

}  // namespace latchkey::cli
