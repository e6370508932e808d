#include "provider/checked_library.hpp"

#include <elf.h>
#include <latchkey/storage.h>

#include <algorithm>
#include <boost/dll/library_info.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <vector>  // before library_info.hpp: Boost 1.74 forgets it

#include "latchkey/error.hpp"
#include "provider/pinned_file.hpp"
#include "util/permissions.hpp"

namespace latchkey::provider {

namespace {

constexpr PluginKind kAllKinds[] = {PluginKind::provider, PluginKind::storage};

bool contains(std::initializer_list<PluginKind> kinds, PluginKind k) {
    return std::find(kinds.begin(), kinds.end(), k) != kinds.end();
}

// Why a library without an accepted entry point is refused. When it exports
// another kind's entry point, say what it is and where it belongs instead.
std::string missing_entry(std::initializer_list<PluginKind> accepted,
                          const std::function<bool(PluginKind)>& exports) {
    std::string names;
    for (auto k : accepted) names += (names.empty() ? "" : " or ") + std::string(entry_point(k));
    for (auto k : kAllKinds) {
        if (contains(accepted, k) || !exports(k)) continue;
        return "no entry point " + names + ": it is a " + kind_name(k) + " (it exports " +
               entry_point(k) + ")" +
               (k == PluginKind::storage
                    ? "; name it as a storage backend ([storage] backend = \"NAME\"), not as a "
                      "site's provider"
                    : "; name it as a site's provider, not as a storage backend");
    }
    if (accepted.size() == 1 && *accepted.begin() == PluginKind::provider)
        return "no entry point " + names +
               " (is it a latchkey provider? build it with LATCHKEY_PROVIDER(...))";
    if (accepted.size() == 1 && *accepted.begin() == PluginKind::storage)
        return "no entry point " + names +
               " (is it a latchkey storage plugin? see latchkey/storage.h)";
    return "no entry point " + names + " (is it a latchkey plugin?)";
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
void check_symbol_table(const std::string& path, std::initializer_list<PluginKind> accepted) {
    try {
        boost::dll::library_info info(std::filesystem::path(path), false);
        auto symbols = info.symbols();
        if (symbols.empty()) return;
        auto exports = [&](PluginKind k) {
            return std::find(symbols.begin(), symbols.end(), entry_point(k)) != symbols.end();
        };
        for (auto k : accepted)
            if (exports(k)) return;
        refuse(path, missing_entry(accepted, exports));
    } catch (const Error&) {
        throw;
    } catch (const std::exception&) {
        // Unreadable section tables: fall through to the loader's verdict.
    }
}

}  // namespace

const char* entry_point(PluginKind kind) {
    return kind == PluginKind::storage ? LATCHKEY_STORAGE_ENTRY : LATCHKEY_PROVIDER_ENTRY;
}

const char* kind_name(PluginKind kind) {
    return kind == PluginKind::storage ? "storage plugin" : "provider";
}

void refuse(const std::string& path, const std::string& why) {
    throw Error(ErrorKind::plugin, "plugin " + path + " refused: " + why);
}

CheckedLibrary load_checked(const std::string& path, std::initializer_list<PluginKind> accepted,
                            const std::string& sha256) {
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
    check_symbol_table(real, accepted);

    std::optional<PinnedFile> pinned;
    if (!sha256.empty()) pinned.emplace(real, shown, sha256);

    CheckedLibrary out;
    out.path = path;
    try {
        out.lib.load(boost::dll::fs::path(pinned ? pinned->load_path() : real),
                     boost::dll::load_mode::rtld_local | boost::dll::load_mode::rtld_now);
    } catch (const std::exception& e) {
        refuse(path, std::string("the loader failed: ") + e.what());
    }
    for (auto k : accepted) {
        if (!out.lib.has(entry_point(k))) continue;
        out.kind = k;
        return out;
    }
    refuse(path,
           missing_entry(accepted, [&](PluginKind k) { return out.lib.has(entry_point(k)); }));
}

void check_descriptor_version(const std::string& path, const char* abi, uint16_t abi_major,
                              uint16_t abi_minor, uint32_t struct_size, uint16_t host_major,
                              uint16_t host_minor, size_t v1_0_size) {
    if (abi_major != host_major)
        refuse(path, std::string("built for ") + abi + " ABI " + std::to_string(abi_major) + "." +
                         std::to_string(abi_minor) + ", this host speaks ABI " +
                         std::to_string(host_major) + "." + std::to_string(host_minor) +
                         "; rebuild it against this SDK");
    if (struct_size < v1_0_size)
        refuse(path, "descriptor struct_size " + std::to_string(struct_size) +
                         " is smaller than ABI 1.0's " + std::to_string(v1_0_size) +
                         "; the plugin is corrupt or built against a broken SDK");
}

std::vector<policy::OptionSpec> read_schema(const std::string& path, const latchkey_option* opts,
                                            const std::vector<policy::OptionSpec>& reserved) {
    std::vector<policy::OptionSpec> out;
    std::set<std::string> seen;
    for (size_t i = 0; opts && opts[i].key; ++i) {
        const latchkey_option& o = opts[i];
        if (o.type < LATCHKEY_OPT_STRING || o.type > LATCHKEY_OPT_PATH)
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
        // A host option may be redeclared only to give it this provider's own
        // default (exec's longer timeout, say): same type, no flags, a default.
        for (auto& h : reserved) {
            if (h.key != s.key) continue;
            if (h.key == "provider" || h.key == "env_prefix" || s.type != h.type || s.required ||
                s.secret || s.identity || !s.default_value)
                refuse(path, "option '" + s.key +
                                 "' is reserved by the host (a provider may only redeclare it "
                                 "with the same type and a default of its own)");
        }
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace latchkey::provider
