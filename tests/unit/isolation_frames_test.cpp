// The frames between latchkey and a provider helper (isolation/frames.hpp):
// whatever a broken or hostile helper writes, reading ends in a verdict, never
// a crash, an allocation of its choosing, or a wait past the deadline.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "isolation/frames.hpp"
#include "isolation/messages.hpp"

namespace latchkey::isolation {
namespace {

class Frames : public ::testing::Test {
 protected:
    Frames() { EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds_), 0); }
    ~Frames() override {
        ::close(fds_[0]);
        if (fds_[1] >= 0) ::close(fds_[1]);
    }
    void send_raw(const std::string& bytes) {
        ASSERT_EQ(::write(fds_[1], bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    }
    static std::string header(uint32_t n) {
        return {static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                static_cast<char>(n)};
    }
    ReadFailure read_verdict(int64_t wait_ms = 2000) {
        ReadFailure why = ReadFailure::none;
        auto doc = read_frame(fds_[0], steady_ms() + wait_ms, why);
        EXPECT_EQ(doc.has_value(), why == ReadFailure::none);
        return why;
    }
    int fds_[2] = {-1, -1};
};

TEST_F(Frames, AMessageArrivesWhole) {
    Message m("done");
    m.put("message", std::string("caf\xc3\xa9 \"quoted\"")).put("status", int64_t{3});
    ASSERT_TRUE(write_frame(fds_[1], m.doc()));
    ReadFailure why;
    auto doc = read_frame(fds_[0], steady_ms() + 2000, why);
    ASSERT_TRUE(doc) << static_cast<int>(why);
    EXPECT_EQ(op_of(*doc), "done");
    EXPECT_EQ(text_of(*doc, "message"), "caf\xc3\xa9 \"quoted\"");
    EXPECT_EQ(int_of(*doc, "status"), 3);
}

TEST_F(Frames, ALengthOverTheCapIsRefusedBeforeAnythingIsRead) {
    send_raw(header(kMaxFrame + 1));
    EXPECT_EQ(read_verdict(), ReadFailure::too_large);
}

TEST_F(Frames, TextThatIsNotAJsonObjectIsMalformed) {
    for (const std::string& body :
         std::vector<std::string>{"garbage \x01\x02", "[1,2,3]", "{\"op\":\"done\"} trailing",
                                  std::string(100000, '[')}) {
        send_raw(header(static_cast<uint32_t>(body.size())) + body);
        EXPECT_EQ(read_verdict(), ReadFailure::malformed) << body.substr(0, 40);
    }
}

// Well-formed but deep: parsed whole, it would overflow the stack of the
// first recursive walk (Accept when the body is relayed, CopyFrom).
TEST_F(Frames, NestingPastTheDepthCapIsMalformed) {
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    const std::string body = "{\"op\":\"done\",\"json\":" + deep + "}";
    send_raw(header(static_cast<uint32_t>(body.size())) + body);
    EXPECT_EQ(read_verdict(), ReadFailure::malformed);

    const std::string shallow = "{\"op\":\"done\",\"json\":" + std::string(60, '[') +
                                std::string(60, ']') + "}";
    send_raw(header(static_cast<uint32_t>(shallow.size())) + shallow);
    EXPECT_EQ(read_verdict(), ReadFailure::none);
}

TEST_F(Frames, AStringWithANulIsNotText) {
    std::string body = "{\"op\":\"done\",\"message\":\"a\\u0000b\"}";
    send_raw(header(static_cast<uint32_t>(body.size())) + body);
    ReadFailure why;
    auto doc = read_frame(fds_[0], steady_ms() + 2000, why);
    ASSERT_TRUE(doc);
    EXPECT_EQ(text_of(*doc, "message"), std::nullopt);
}

TEST_F(Frames, AShortFrameThenSilenceTimesOut) {
    send_raw(header(100) + "{\"op\":");
    auto start = steady_ms();
    EXPECT_EQ(read_verdict(300), ReadFailure::timed_out);
    EXPECT_GE(steady_ms() - start, 250);
}

TEST_F(Frames, AHelperThatHangsUpIsClosed) {
    send_raw(header(100) + "{\"op\":");
    ::close(fds_[1]);
    fds_[1] = -1;
    EXPECT_EQ(read_verdict(), ReadFailure::closed);
}

}  // namespace
}  // namespace latchkey::isolation
