// A file holding the current fuzz input, for parsers that read a path (the
// policy, .env): an anonymous memory file, named by its /proc/self/fd path,
// so a run leaves nothing behind whatever way it ends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace latchkey::fuzz {

class ScratchFile {
 public:
    explicit ScratchFile(const char* name);
    ~ScratchFile();
    ScratchFile(const ScratchFile&) = delete;
    ScratchFile& operator=(const ScratchFile&) = delete;

    // Replaces the content; returns the path to read it from.
    const std::string& write(const uint8_t* data, size_t size);

 private:
    int fd_ = -1;
    std::string path_;
};

}  // namespace latchkey::fuzz
