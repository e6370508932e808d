#include "util/lib_dir.hpp"

#include <dlfcn.h>
#include <link.h>

#include <boost/dll/runtime_symbol_info.hpp>
#include <filesystem>

namespace latchkey::util {

namespace fs = std::filesystem;

std::optional<std::string> lib_dir() {
    // The object this code runs from. dladdr's file name will not do: for a
    // program it is argv[0], which may be a bare name found through PATH.
    Dl_info info;
    link_map* map = nullptr;
    if (!dladdr1(reinterpret_cast<void*>(&lib_dir), &info, reinterpret_cast<void**>(&map),
                 RTLD_DL_LINKMAP) ||
        !map)
        return std::nullopt;
    if (map->l_name && map->l_name[0]) return fs::path(map->l_name).parent_path().string();

    // Linked into a program in PREFIX/bin (or BUILD/bin). The build tree
    // always uses lib/; an install may use a multiarch LIBDIR.
    std::error_code ec;
    auto program = boost::dll::program_location(ec);
    if (ec) return std::nullopt;
    fs::path prefix = fs::path(program.string()).parent_path().parent_path();
    fs::path installed = prefix / LATCHKEY_INSTALL_LIBDIR;
    if (fs::is_directory(installed / "latchkey", ec)) return installed.string();
    return (prefix / "lib").string();
}

}  // namespace latchkey::util
