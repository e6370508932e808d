#include "provider/loaded_storage_plugin.hpp"

#include <vector>

#include "policy/option_spec.hpp"

namespace latchkey::provider {

std::shared_ptr<LoadedStoragePlugin> load_storage_plugin(const std::string& path) {
    return load_storage_plugin(load_checked(path, {PluginKind::storage}));
}

std::shared_ptr<LoadedStoragePlugin> load_storage_plugin(CheckedLibrary checked) {
    const std::string& path = checked.path;
    if (checked.kind != PluginKind::storage)
        refuse(path, std::string("it is a ") + kind_name(checked.kind) + ", not a storage plugin");
    auto entry = checked.lib.get<const latchkey_storage*()>(LATCHKEY_STORAGE_ENTRY);
    const latchkey_storage* desc = entry();
    if (!desc) refuse(path, std::string(LATCHKEY_STORAGE_ENTRY) + " returned no descriptor");
    check_descriptor_version(path, "storage", desc->abi_major, desc->abi_minor, desc->struct_size,
                             LATCHKEY_STORAGE_ABI_MAJOR, LATCHKEY_STORAGE_ABI_MINOR,
                             LATCHKEY_STORAGE_V1_0_SIZE);
    if (!desc->name || !*desc->name) refuse(path, "descriptor has no name");
    if (!desc->open || !desc->load || !desc->save || !desc->erase || !desc->lock || !desc->unlock ||
        !desc->list || !desc->close)
        refuse(path, "descriptor lacks one of open, load, save, erase, lock, unlock, list, close");
    return std::make_shared<LoadedStoragePlugin>(path, std::move(checked.lib), desc,
                                                 std::vector<policy::OptionSpec>{});
}

}  // namespace latchkey::provider
