// Text from outside (a server's answer, a plugin's message, a file, the
// environment) made safe to show on a terminal.
#pragma once

#include <string>
#include <string_view>

namespace latchkey::util {

enum class Newlines { escape, keep };

// `text` with every control character written as an escape, so that what a
// server or a plugin supplied cannot retitle the window (ESC ] 0 ; ... BEL),
// clear the screen (ESC [ 2 J), move the cursor or fake a line of output:
// C0 controls and DEL as \n, \r, \t or \x1b, C1 controls (U+0080-U+009F)
// as \u009b, and bytes that are not UTF-8 (an 8-bit C1 byte such as 0x9b is
// CSI on some terminals) as \x9b. A backslash stays as it is. `keep` lets line breaks of
// a message of several lines through. Every text the `latchkey` program and
// the host's terminal interaction print goes through this; JSON output is
// escaped by RapidJSON instead.
std::string printable(std::string_view text, Newlines newlines = Newlines::escape);

}  // namespace latchkey::util
