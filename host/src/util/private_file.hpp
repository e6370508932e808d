// Files latchkey writes for other programs to read (`token_file`): owner
// only, and never seen half written.
#pragma once

#include <string>
#include <string_view>

namespace latchkey::util {

// Makes `path` hold exactly `content`, mode 0600: written to a temporary
// file in the same directory, synced, then renamed over `path` (and the
// directory synced), so a reader sees the old content or the new, never a
// mix. Nothing is written when `path` already holds `content` as a 0600
// regular file of this user: returns false then, true when it replaced it.
// Throws Error(storage) naming the file and the reason (its directory does
// not exist, it is a directory or a FIFO, no permission ...).
bool replace_private_file(const std::string& path, std::string_view content);

}  // namespace latchkey::util
