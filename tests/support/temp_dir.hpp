// A private temporary directory (mode 0700), removed with everything in it.
#pragma once

#include <string>

namespace latchkey::test {

class TempDir {
 public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return path_; }
    // path()/name
    std::string file(const std::string& name) const { return path_ + "/" + name; }
    // Writes `text` to path()/name with `mode`; returns the path.
    std::string write(const std::string& name, const std::string& text, unsigned mode = 0600) const;

 private:
    std::string path_;
};

std::string read_file(const std::string& path);

}  // namespace latchkey::test
