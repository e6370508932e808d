// What an exec program may not print: JSON nested 300 000 levels deep (a
// recursive parser overflows the stack on it), an expires_at no int64_t
// holds, a token, token type or header name that would break the header
// line. Each is exit 1 with a message naming the program or the site, never
// a crash, never the injected text on any output.
#include "exec_chain_test.hpp"

namespace latchkey::itest {
namespace {

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

class ExecOutputLimits : public ExecChainTest {
 protected:
    // `latchkey token --header` for a site running a program that prints
    // `json`; it must fail with exit 1 and print nothing.
    RunResult refused(const std::string& json) {
        std::string p = program("prints", "cat <<'JSON'\n" + json + "\nJSON\n");
        write_policy(exec_site("x", p));
        auto r = lk({"token", "--header"});
        EXPECT_EQ(r.exit_code, 1) << r.err;
        EXPECT_EQ(r.out, "");
        return r;
    }
};

TEST_F(ExecOutputLimits, OutputNestedThreeHundredThousandLevelsIsRefused) {
    std::string p = program("deep", "head -c 300000 /dev/zero | tr '\\0' '['\n");
    write_policy(exec_site("deep", p));
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_TRUE(has(r.err, "program " + p +
                               " succeeded but its standard output is not JSON (nested deeper "
                               "than 64 levels at byte 64)"))
        << r.err;
}

TEST_F(ExecOutputLimits, AnExpiresAtNoIntegerHoldsIsQuotedAsPrinted) {
    // The message used to show the double cast to int64_t: undefined, and a
    // negative number on x86.
    token_like("tok-Integ-far-future");
    auto r = refused(R"({"token": "tok-Integ-far-future", "expires_at": 1e300})");
    EXPECT_TRUE(has(r.err, "expires_at 1e300 is not Unix time in seconds")) << r.err;
}

TEST_F(ExecOutputLimits, ALineBreakInTheTokenIsRefusedByTheHost) {
    never_print("X-Injected");
    auto r = refused(R"({"token": "abc\r\nX-Injected: yes"})");
    EXPECT_TRUE(has(r.err,
                    "site 'x': the credential from provider exec was refused: its token contains "
                    "a control character (such as a line break or NUL), which cannot be sent in "
                    "an HTTP header"))
        << r.err;
}

TEST_F(ExecOutputLimits, ALineBreakInTheTokenTypeIsRefusedByTheHost) {
    never_print("X-Injected");
    token_like("tok-Integ-type");
    auto r = refused(R"({"token": "tok-Integ-type", "token_type": "Bearer\nX-Injected: yes"})");
    EXPECT_TRUE(has(r.err, "its token type contains a control character")) << r.err;
}

TEST_F(ExecOutputLimits, AHeaderNameThatIsNotAFieldNameIsRefusedByTheHost) {
    never_print("X-Injected");
    token_like("tok-Integ-name");
    for (const char* name : {"X-Auth\\r\\nX-Injected: yes", "X Auth", "X-Auth:"}) {
        auto r =
            refused(R"({"token": "tok-Integ-name", "header_name": ")" + std::string(name) + "\"}");
        EXPECT_TRUE(has(r.err, "its header name is not an HTTP field name")) << name << r.err;
    }
}

TEST_F(ExecOutputLimits, ANulInTheTokenIsRefusedNotCutShort) {
    never_print("tail-Integ-nul");
    auto r = refused(R"({"token": "abc\u0000tail-Integ-nul"})");
    EXPECT_TRUE(has(r.err,
                    "its standard output is not JSON (a string holds a NUL character "
                    "(\\u0000) at byte"))
        << r.err;
}

}  // namespace
}  // namespace latchkey::itest
