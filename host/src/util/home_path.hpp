// A path as a person writes it in a policy or passes to a host service:
// `~/key.pem`, `$HOME/key.pem` or `${HOME}/key.pem` all mean the file in the
// home directory. Expanded in one place so every provider, storage backend
// and host service reads the same file for the same text.
#pragma once

#include <string>

namespace latchkey::util {

// `path` with a leading `~`, `$HOME` or `${HOME}` (alone or followed by
// `/`) replaced by $HOME. Anything else, and everything when HOME is unset
// or empty, is returned unchanged: `~user/`, `$HOMEDIR`, a `~` or `$HOME`
// in the middle of a path. Expanding once more changes nothing, since the
// result starts with HOME's own value.
std::string expand_home(const std::string& path);

}  // namespace latchkey::util
