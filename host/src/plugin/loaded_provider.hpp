// A provider plugin that passed every check and is mapped into the process.
// Instances hold a shared_ptr to it, so the library is unmapped only after
// every object it created has been destroyed.
#pragma once

#include <latchkey/provider.h>

#include <boost/dll/shared_library.hpp>
#include <memory>
#include <string>
#include <vector>

#include "plugin/checked_library.hpp"
#include "policy/option_spec.hpp"

namespace latchkey::plugin {

class LoadedProvider {
 public:
    LoadedProvider(std::string path, boost::dll::shared_library lib, const latchkey_provider* desc);

    const std::string& path() const { return path_; }
    const latchkey_provider& descriptor() const { return *desc_; }
    const std::string& name() const { return name_; }
    const std::vector<policy::OptionSpec>& schema() const { return schema_; }
    // Fields added after v1.0 are read only when the plugin's struct has them.
    bool has_field(size_t offset_end) const { return desc_->struct_size >= offset_end; }

 private:
    std::string path_;
    boost::dll::shared_library lib_;
    const latchkey_provider* desc_;
    std::string name_;
    std::vector<policy::OptionSpec> schema_;
};

// Runs every check on `path` (see checked_library.hpp), loads it and checks
// its descriptor. Throws a plugin error naming the file and the reason; never
// crashes on a bad file.
std::shared_ptr<LoadedProvider> load_provider(const std::string& path);
// The same for a library load_checked() already checked and mapped.
std::shared_ptr<LoadedProvider> load_provider(CheckedLibrary checked);

}  // namespace latchkey::plugin
