// A plugin library that passed every check and is mapped into the process,
// with its descriptor and option schema. Objects it creates hold a shared_ptr
// to it, so the library is unmapped only after every one of them is gone.
// Providers and storage plugins differ only in their descriptor type.
#pragma once

#include <boost/dll/shared_library.hpp>
#include <string>
#include <vector>

#include "provider/checked_library.hpp"
#include "policy/option_spec.hpp"

namespace latchkey::provider {

template <class Descriptor>
class LoadedPlugin {
 public:
    // `reserved` are keys the plugin's schema may not declare (the host's own).
    LoadedPlugin(std::string path, boost::dll::shared_library lib, const Descriptor* desc,
                 const std::vector<policy::OptionSpec>& reserved)
        : path_(std::move(path)),
          lib_(std::move(lib)),
          desc_(desc),
          name_(desc->name),
          schema_(read_schema(path_, desc->options, reserved)) {}

    const std::string& path() const { return path_; }
    const Descriptor& descriptor() const { return *desc_; }
    const std::string& name() const { return name_; }
    const std::vector<policy::OptionSpec>& schema() const { return schema_; }
    // Fields added after v1.0 are read only when the plugin's struct has them.
    bool has_field(size_t offset_end) const { return desc_->struct_size >= offset_end; }

 private:
    std::string path_;
    boost::dll::shared_library lib_;
    const Descriptor* desc_;
    std::string name_;
    std::vector<policy::OptionSpec> schema_;
};

}  // namespace latchkey::provider
