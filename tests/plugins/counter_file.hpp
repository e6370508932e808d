// A call counter kept in a file, exact across threads and processes: every
// increment happens under an exclusive flock(2) on the file itself.
#ifndef LATCHKEY_TESTPLUGIN_COUNTER_FILE_HPP
#define LATCHKEY_TESTPLUGIN_COUNTER_FILE_HPP

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

namespace testplugin {

class Fd {
 public:
    explicit Fd(int fd) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);  // also releases the flock
    }
    int get() const { return fd_; }

 private:
    int fd_;
};

// Adds one to the integer in `path` (missing or empty file: 0) and returns
// the new value. Throws std::runtime_error naming the path on failure.
inline int64_t increment_counter(const std::string& path) {
    auto fail = [&](const char* what) {
        return std::runtime_error("test-counter: cannot " + std::string(what) + " counter file " +
                                  path + ": " + std::strerror(errno));
    };
    Fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (fd.get() < 0) throw fail("open");
    while (::flock(fd.get(), LOCK_EX) != 0)
        if (errno != EINTR) throw fail("lock");

    std::string text;
    char buf[64];
    ssize_t n;
    while ((n = ::read(fd.get(), buf, sizeof buf)) != 0) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw fail("read");
        text.append(buf, static_cast<size_t>(n));
    }
    int64_t value = 0;
    try {
        if (!text.empty()) value = std::stoll(text);
    } catch (const std::exception&) {
        throw std::runtime_error("test-counter: counter file " + path +
                                 " does not hold an integer");
    }
    ++value;

    std::string out = std::to_string(value) + "\n";
    if (::ftruncate(fd.get(), 0) != 0) throw fail("truncate");
    if (::pwrite(fd.get(), out.data(), out.size(), 0) != static_cast<ssize_t>(out.size()))
        throw fail("write");
    return value;
}

}  // namespace testplugin

#endif  // LATCHKEY_TESTPLUGIN_COUNTER_FILE_HPP
