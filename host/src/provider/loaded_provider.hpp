// Loading provider plugins: every check of checked_library.hpp, then the
// provider descriptor's own (ABI, struct_size, name, required functions).
#pragma once

#include <latchkey/provider.h>

#include <memory>
#include <string>
#include <vector>

#include "provider/checked_library.hpp"
#include "provider/loaded_plugin.hpp"
#include "policy/option_spec.hpp"

namespace latchkey::provider {

using LoadedProvider = LoadedPlugin<latchkey_provider>;

// Runs every check on `path` (see checked_library.hpp), loads it and checks
// its descriptor. Throws a plugin error naming the file and the reason; never
// crashes on a bad file. `sha256` (hex) pins the file (pinned_file.hpp).
std::shared_ptr<LoadedProvider> load_provider(const std::string& path,
                                              const std::string& sha256 = {});
// The same for a library load_checked() already checked and mapped.
std::shared_ptr<LoadedProvider> load_provider(CheckedLibrary checked);

}  // namespace latchkey::provider
