// What the benchmark programs share (header only, so bench_cli_token still
// links nothing but the C++ runtime): their command-line walk and argv/envp
// arrays for posix_spawn.
#pragma once

#include <cstdlib>
#include <string>
#include <vector>

namespace latchkey::bench {

// Walks argv[1..]: --help or -h calls usage(0); any other argument is handed
// to on_flag(flag, value), where value() takes the argument after the flag
// (usage(2) when there is none); on_flag returns false for a flag it does not
// know, which calls usage(2). `usage` prints the program's usage and exits.
template <class OnFlag>
void parse_args(int argc, char** argv, void (*usage)(int), OnFlag on_flag) {
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                usage(2);
                std::exit(2);  // not reached: usage exits
            }
            return argv[++i];
        };
        if (a == "--help" || a == "-h") usage(0);
        if (!on_flag(a, value)) usage(2);
    }
}

// `v` as a null-terminated array of C strings (pointing into `v`).
inline std::vector<char*> c_strings(std::vector<std::string>& v) {
    std::vector<char*> out;
    for (auto& s : v) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

}  // namespace latchkey::bench
