// The words of `latchkey curl`: a documented subset of curl's options, so a
// curl command line becomes a latchkey one by putting `latchkey --at SITE`
// in front of it.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace latchkey::cli {

struct CurlArgs {
    std::string url;
    std::string method;                // -X; "" = GET, or POST with data
    std::vector<std::string> headers;  // -H, "Name: value"
    std::optional<std::string> body;   // -d / --data-binary / --data-raw, joined with '&'
    std::string output;                // -o FILE; "" = standard output
    std::string write_out;             // -w FORMAT
    bool include = false;              // -i: the answer's head before its body
    bool fail = false;                 // -f: no body and exit 22 for a status >= 400
    bool fail_with_body = false;       // --fail-with-body: the body, and exit 22
    bool plain_http = false;           // --plain-http: plain http to another machine
    bool help = false;
};

// Throws Error(usage) for a word it does not take, naming it. Reads
// `@FILE` data (and `@-`, standard input) as curl does.
CurlArgs parse_curl_args(const std::vector<std::string>& words);

// The -w FORMAT text for an answer: %{http_code} (also %{response_code}),
// %{size_download}, %{url_effective}, %% and \n, \t, \r.
std::string expand_write_out(const std::string& format, long status, size_t size_download,
                             const std::string& url);

extern const char* const kCurlHelp;

}  // namespace latchkey::cli
