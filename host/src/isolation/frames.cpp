#include "isolation/frames.hpp"

#include <latchkey/common/bounded_json.hpp>

#include <poll.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

namespace latchkey::isolation {

namespace {

bool write_all(int fd, const char* data, size_t len) {
    while (len > 0) {
        ssize_t n = ::send(fd, data, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data += n;
        len -= static_cast<size_t>(n);
    }
    return true;
}

// Reads exactly `len` bytes before the deadline.
ReadFailure read_all(int fd, char* data, size_t len, int64_t deadline_ms) {
    while (len > 0) {
        int wait = -1;
        if (deadline_ms > 0) {
            int64_t left = deadline_ms - steady_ms();
            if (left <= 0) return ReadFailure::timed_out;
            wait = static_cast<int>(std::min<int64_t>(left, 1000));
        }
        pollfd p{fd, POLLIN, 0};
        int r = ::poll(&p, 1, wait);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return ReadFailure::io;
        if (r == 0) continue;  // the loop re-checks the deadline
        ssize_t n = ::read(fd, data, len);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n < 0) return ReadFailure::io;
        if (n == 0) return ReadFailure::closed;
        data += n;
        len -= static_cast<size_t>(n);
    }
    return ReadFailure::none;
}

}  // namespace

int64_t steady_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

bool write_frame(int fd, const rapidjson::Value& message) {
    rapidjson::StringBuffer text;
    rapidjson::Writer<rapidjson::StringBuffer> writer(text);
    message.Accept(writer);
    if (text.GetSize() > kMaxFrame) return false;
    auto size = static_cast<uint32_t>(text.GetSize());
    unsigned char head[4] = {
        static_cast<unsigned char>(size >> 24), static_cast<unsigned char>(size >> 16),
        static_cast<unsigned char>(size >> 8), static_cast<unsigned char>(size)};
    return write_all(fd, reinterpret_cast<const char*>(head), sizeof head) &&
           write_all(fd, text.GetString(), text.GetSize());
}

std::optional<rapidjson::Document> read_frame(int fd, int64_t deadline_ms, ReadFailure& why) {
    unsigned char head[4];
    why = read_all(fd, reinterpret_cast<char*>(head), sizeof head, deadline_ms);
    if (why != ReadFailure::none) return std::nullopt;
    uint32_t size = (uint32_t{head[0]} << 24) | (uint32_t{head[1]} << 16) |
                    (uint32_t{head[2]} << 8) | uint32_t{head[3]};
    if (size > kMaxFrame) {
        why = ReadFailure::too_large;
        return std::nullopt;
    }
    std::string text(size, '\0');
    why = read_all(fd, text.data(), size, deadline_ms);
    if (why != ReadFailure::none) return std::nullopt;
    return parse_frame(text, why);
}

std::optional<rapidjson::Document> parse_frame(std::string_view text, ReadFailure& why) {
    // The helper runs a third party's code: its frames are outside input and
    // get the same depth and size caps as every other document, but may carry
    // NULs (an HTTP body relayed to the plugin travels as pointer and length).
    common::JsonLimits limits;
    limits.max_bytes = kMaxFrame;
    limits.refuse_nul = false;
    rapidjson::Document doc;
    if (common::parse_bounded_json(doc, text, limits) || !doc.IsObject()) {
        why = ReadFailure::malformed;
        return std::nullopt;
    }
    why = ReadFailure::none;
    return doc;
}

}  // namespace latchkey::isolation
