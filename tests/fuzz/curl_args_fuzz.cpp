// `latchkey curl`'s command line: the input is its words, separated by NUL
// bytes, and also a -w FORMAT. '@' (read data from a file or standard
// input) becomes '#': the words are parsed, no file is read.
#include <algorithm>
#include <string>
#include <vector>

#include "curl_args.hpp"
#include "support/guarded.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace latchkey::cli;
    std::string text(reinterpret_cast<const char*>(data), size);
    std::replace(text.begin(), text.end(), '@', '#');
    std::vector<std::string> words;
    for (size_t at = 0; at <= text.size();) {
        size_t end = std::min(text.find('\0', at), text.size());
        words.push_back(text.substr(at, end - at));
        at = end + 1;
    }
    latchkey::fuzz::guarded([&] { parse_curl_args(words); });
    // An unsupported %{variable} is a usage error, as parse_curl_args says at once.
    latchkey::fuzz::guarded([&] { expand_write_out(text, 200, size, "https://127.0.0.1/x"); });
    return 0;
}
