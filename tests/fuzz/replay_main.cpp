// Replays saved inputs through one fuzz target without libFuzzer: every file
// in the directories named on the command line goes to the target's
// LLVMFuzzerTestOneInput once. Built for each target in the normal build, so
// `ctest` runs every input that ever crashed a target
// (tests/fuzz/regressions/TARGET) and its seed corpus, with or without clang.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s DIR... (the corpus first)\n", argv[0]);
        return 2;
    }
    std::vector<std::filesystem::path> inputs;
    for (int i = 1; i < argc; ++i) {
        std::filesystem::path dir = argv[i];
        // The first directory (the seed corpus) must exist; a target may
        // have no regressions yet.
        if (!std::filesystem::is_directory(dir)) {
            if (i == 1) {
                std::fprintf(stderr, "%s: no such directory\n", argv[i]);
                return 2;
            }
            continue;
        }
        for (auto& entry : std::filesystem::directory_iterator(dir))
            if (entry.is_regular_file()) inputs.push_back(entry.path());
    }
    std::sort(inputs.begin(), inputs.end());
    if (inputs.empty()) {
        std::fprintf(stderr, "no inputs to replay\n");
        return 2;
    }
    for (auto& path : inputs) {
        // Named before it runs: a crash is then reported under its file.
        std::fprintf(stderr, "replaying %s\n", path.c_str());
        std::ifstream in(path, std::ios::binary);
        std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(data.data()), data.size());
    }
    std::fprintf(stderr, "%zu inputs replayed\n", inputs.size());
    return 0;
}
