// Reading files that come from outside the program (stored credentials, the
// policy, `.env`, `{ file = ... }` and `{ secret = ... }` values, keys and CA
// bundles) without letting the file decide how long we wait or how much we
// read: only a regular file is opened for reading, never a FIFO (open and
// read block until some writer appears), a device (/dev/zero never ends), a
// socket or a directory, and never more than a size cap.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace latchkey::util {

// Every outside file latchkey reads is far smaller than this.
inline constexpr size_t kMaxFileBytes = size_t{1} << 20;  // 1 MiB

struct RegularFileOptions {
    size_t max_bytes = kMaxFileBytes;
    // false: a symbolic link as the last component is refused (O_NOFOLLOW),
    // for files latchkey itself writes; secrets mounted by Kubernetes are
    // symbolic links, so `{ file = }` follows them.
    bool follow_symlinks = true;
};

struct RegularFileRead {
    std::optional<std::string> text;  // the contents, when the file was read
    unsigned mode = 0;                // its st_mode, when it was read
    bool missing = false;             // it does not exist (ENOENT)
    std::string error;                // otherwise: "PATH is a FIFO, not a regular file", ...
};

// Opens `path` without blocking (O_NONBLOCK), checks with fstat that it is a
// regular file no larger than the cap, and reads it whole.
RegularFileRead read_regular_file(const std::string& path, const RegularFileOptions& options = {});

// The same checks without reading, for files another library opens by name
// (a CA bundle or a client certificate handed to libcurl): nullopt when the
// file may be given to it, else why not ("PATH is a FIFO, not a regular file").
std::optional<std::string> regular_file_problem(const std::string& path,
                                                const RegularFileOptions& options = {});

}  // namespace latchkey::util
