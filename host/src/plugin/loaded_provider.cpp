#include "plugin/loaded_provider.hpp"

#include <elf.h>

#include <boost/dll/library_info.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <vector>  // before library_info.hpp: Boost 1.74 forgets it

#include "latchkey/error.hpp"
#include "util/permissions.hpp"

namespace latchkey::plugin {

namespace {

[[noreturn]] void refuse(const std::string& path, const std::string& why) {
    throw Error(ErrorKind::plugin, "plugin " + path + " refused: " + why);
}

// A shared object starts with the ELF magic and says ET_DYN. Checking this
// first keeps dlopen from ever seeing a text file or an executable.
void check_is_shared_object(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    Elf64_Ehdr h{};
    in.read(reinterpret_cast<char*>(&h), sizeof h);
    if (in.gcount() < static_cast<std::streamsize>(EI_NIDENT) ||
        std::memcmp(h.e_ident, ELFMAG, SELFMAG) != 0)
        refuse(path, "not a shared library (no ELF header)");
    if (in.gcount() == sizeof h && h.e_ident[EI_CLASS] == ELFCLASS64 && h.e_type != ET_DYN)
        refuse(path, "not a shared library (ELF type is not ET_DYN)");
}

// Where the symbol table is present, a missing entry point is seen without
// running any plugin code. A stripped library has none; then dlopen decides.
void check_symbol_table(const std::string& path) {
    try {
        boost::dll::library_info info(std::filesystem::path(path), false);
        auto symbols = info.symbols();
        if (symbols.empty()) return;
        for (auto& s : symbols)
            if (s == LATCHKEY_PROVIDER_ENTRY) return;
        refuse(path, std::string("no entry point ") + LATCHKEY_PROVIDER_ENTRY +
                         " (is it a latchkey provider? build it with LATCHKEY_PROVIDER(...))");
    } catch (const Error&) {
        throw;
    } catch (const std::exception&) {
        // Unreadable section tables: fall through to the loader's verdict.
    }
}

std::vector<policy::OptionSpec> read_schema(const std::string& path, const latchkey_option* opts) {
    std::vector<policy::OptionSpec> out;
    std::set<std::string> seen;
    for (size_t i = 0; opts && opts[i].key; ++i) {
        const latchkey_option& o = opts[i];
        if (o.type < LATCHKEY_OPT_STRING || o.type > LATCHKEY_OPT_LIST)
            refuse(path, "option '" + std::string(o.key) + "' has an unknown type");
        if (!seen.insert(o.key).second)
            refuse(path, "option '" + std::string(o.key) + "' is declared twice");
        policy::OptionSpec s;
        s.key = o.key;
        s.type = o.type;
        s.required = o.flags & LATCHKEY_OPTF_REQUIRED;
        s.secret = o.flags & LATCHKEY_OPTF_SECRET;
        s.identity = o.flags & LATCHKEY_OPTF_IDENTITY;
        if (o.default_value) s.default_value = o.default_value;
        s.doc = o.doc ? o.doc : "";
        for (auto& h : policy::host_site_options())
            if (h.key == s.key) refuse(path, "option '" + s.key + "' is reserved by the host");
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace

LoadedProvider::LoadedProvider(std::string path, boost::dll::shared_library lib,
                               const latchkey_provider* desc)
    : path_(std::move(path)), lib_(std::move(lib)), desc_(desc), name_(desc->name) {
    schema_ = read_schema(path_, desc_->options);
}

std::shared_ptr<LoadedProvider> load_provider(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) refuse(path, "not a regular file");
    // Judge (and load) the file a symlink really points at, in the directory
    // it really lives in: a link must not smuggle in a library from an open one.
    std::string real = fs::canonical(path, ec).string();
    if (ec) refuse(path, "cannot resolve it: " + ec.message());
    std::string shown = real == path ? path : path + " (-> " + real + ")";
    if (auto why = util::untrusted_writer(real)) refuse(shown, *why);
    std::string dir = fs::path(real).parent_path().string();
    if (auto why = util::untrusted_writer(dir)) refuse(shown, "its directory " + dir + ": " + *why);
    check_is_shared_object(real);
    check_symbol_table(real);

    boost::dll::shared_library lib;
    try {
        lib.load(boost::dll::fs::path(real),
                 boost::dll::load_mode::rtld_local | boost::dll::load_mode::rtld_now);
    } catch (const std::exception& e) {
        refuse(path, std::string("the loader failed: ") + e.what());
    }
    if (!lib.has(LATCHKEY_PROVIDER_ENTRY))
        refuse(path, std::string("no entry point ") + LATCHKEY_PROVIDER_ENTRY);
    auto entry = lib.get<const latchkey_provider*()>(LATCHKEY_PROVIDER_ENTRY);
    const latchkey_provider* desc = entry();
    if (!desc) refuse(path, std::string(LATCHKEY_PROVIDER_ENTRY) + " returned no descriptor");
    if (desc->abi_major != LATCHKEY_ABI_MAJOR)
        refuse(path, "built for provider ABI " + std::to_string(desc->abi_major) + "." +
                         std::to_string(desc->abi_minor) + ", this host speaks ABI " +
                         std::to_string(LATCHKEY_ABI_MAJOR) + "." +
                         std::to_string(LATCHKEY_ABI_MINOR) + "; rebuild it against this SDK");
    if (desc->struct_size < LATCHKEY_PROVIDER_V1_0_SIZE)
        refuse(path, "descriptor struct_size " + std::to_string(desc->struct_size) +
                         " is smaller than ABI 1.0's " +
                         std::to_string(LATCHKEY_PROVIDER_V1_0_SIZE) +
                         "; the plugin is corrupt or built against a broken SDK");
    if (!desc->name || !*desc->name) refuse(path, "descriptor has no name");
    if (!desc->create || !desc->acquire || !desc->destroy)
        refuse(path, "descriptor lacks create, acquire or destroy");
    return std::make_shared<LoadedProvider>(path, std::move(lib), desc);
}

}  // namespace latchkey::plugin
