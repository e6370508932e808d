// util::printable: what the CLI and the host's terminal interaction print.
#include <gtest/gtest.h>

#include "util/printable.hpp"

namespace {

using latchkey::util::Newlines;
using latchkey::util::printable;

TEST(Printable, ControlCharactersAreEscaped) {
    EXPECT_EQ(printable("a\x1b]0;title\x07z"), "a\\x1b]0;title\\x07z");
    EXPECT_EQ(printable("\x1b[2J\r\n\t\x7f"), "\\x1b[2J\\r\\n\\t\\x7f");
    EXPECT_EQ(printable(std::string("nul\0end", 7)), "nul\\x00end");
}

TEST(Printable, LineBreaksMayBeKeptForMessages) {
    EXPECT_EQ(printable("open\n  https://x\x1b[1m", Newlines::keep), "open\n  https://x\\x1b[1m");
}

TEST(Printable, Utf8PassesAndC1AndBrokenBytesAreEscaped) {
    EXPECT_EQ(printable("Zürich – 東京 🙂"), "Zürich – 東京 🙂");
    EXPECT_EQ(printable("csi\xc2\x9b" "2J"), "csi\\u009b2J");  // U+009B, CSI
    EXPECT_EQ(printable("raw\x9b" "2J"), "raw\\x9b2J");        // an 8-bit CSI byte
    EXPECT_EQ(printable("\xc0\xaf"), "\\xc0\\xaf");            // overlong '/'
    EXPECT_EQ(printable("\xed\xa0\x80"), "\\xed\\xa0\\x80");   // a surrogate
    EXPECT_EQ(printable("cut\xe2\x82"), "cut\\xe2\\x82");      // truncated
}

}  // namespace
