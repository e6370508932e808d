#include "util/printable.hpp"

#include <cstdio>

namespace latchkey::util {

namespace {

void hex_escape(std::string& out, const char* form, unsigned value) {
    char buf[8];
    std::snprintf(buf, sizeof buf, form, value);
    out += buf;
}

// Length of the well-formed UTF-8 sequence at text[i] (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF), or 0.
size_t utf8_length(std::string_view text, size_t i) {
    auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
    unsigned char b = byte(i);
    size_t n = b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
    if (n == 0 || i + n > text.size()) return 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (b == 0xE0) lo = 0xA0;
    if (b == 0xED) hi = 0x9F;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;
    if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
    for (size_t k = 2; k < n; ++k)
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
    return n;
}

}  // namespace

std::string printable(std::string_view text, Newlines newlines) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
            ++i;
        } else if (c == '\n') {
            out += newlines == Newlines::keep ? "\n" : "\\n";
            ++i;
        } else if (c == '\r' || c == '\t') {
            out += c == '\r' ? "\\r" : "\\t";
            ++i;
        } else if (c < 0x80) {  // the other C0 controls and DEL
            hex_escape(out, "\\x%02x", c);
            ++i;
        } else if (size_t n = utf8_length(text, i); n == 0) {
            hex_escape(out, "\\x%02x", c);
            ++i;
        } else if (c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0) {
            hex_escape(out, "\\u%04x", static_cast<unsigned char>(text[i + 1]));  // C1
            i += 2;
        } else {
            out.append(text.substr(i, n));
            i += n;
        }
    }
    return out;
}

}  // namespace latchkey::util
