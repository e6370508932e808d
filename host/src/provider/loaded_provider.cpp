#include "provider/loaded_provider.hpp"

#include "latchkey/error.hpp"

namespace latchkey::provider {

std::shared_ptr<LoadedProvider> load_provider(const std::string& path, const std::string& sha256) {
    return load_provider(load_checked(path, {PluginKind::provider}, sha256));
}

std::shared_ptr<LoadedProvider> load_provider(CheckedLibrary checked) {
    const std::string& path = checked.path;
    if (checked.kind != PluginKind::provider)
        refuse(path, std::string("it is a ") + kind_name(checked.kind) + ", not a provider");
    auto entry = checked.lib.get<const latchkey_provider*()>(LATCHKEY_PROVIDER_ENTRY);
    const latchkey_provider* desc = entry();
    if (!desc) refuse(path, std::string(LATCHKEY_PROVIDER_ENTRY) + " returned no descriptor");
    check_descriptor_version(path, "provider", desc->abi_major, desc->abi_minor, desc->struct_size,
                             LATCHKEY_ABI_MAJOR, LATCHKEY_ABI_MINOR, LATCHKEY_PROVIDER_V1_0_SIZE);
    if (!desc->name || !*desc->name) refuse(path, "descriptor has no name");
    if (!desc->create || !desc->acquire || !desc->destroy)
        refuse(path, "descriptor lacks create, acquire or destroy");
    return std::make_shared<LoadedProvider>(path, std::move(checked.lib), desc,
                                            policy::host_site_options());
}

}  // namespace latchkey::provider
