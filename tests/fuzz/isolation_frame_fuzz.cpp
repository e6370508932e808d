// A frame from a provider helper (isolation/frames.hpp): the helper runs a
// third party's plugin, so its frames are outside input. Whatever it writes,
// the host's readers of a frame and of the messages in it (messages.hpp) give
// a verdict; whatever they accept can be written back and read again.
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "isolation/frames.hpp"
#include "isolation/messages.hpp"

namespace {
[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "%s no longer reads once written back\n", what);
    std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace latchkey::isolation;
    ReadFailure why;
    auto doc = parse_frame(std::string_view(reinterpret_cast<const char*>(data), size), why);
    if (!doc) return 0;
    (void)op_of(*doc);
    (void)text_of(*doc, "message");
    (void)int_of(*doc, "status");
    (void)bool_of(*doc, "interactive");
    rapidjson::Document out;
    for (const char* key : {"credential", "current", "values", "schema"}) {
        auto it = doc->FindMember(key);
        if (it == doc->MemberEnd()) continue;
        if (auto c = credential_from(it->value)) {
            if (!credential_from(credential_json(*c, out.GetAllocator()))) fail("a credential");
        }
        if (auto v = values_from(it->value)) {
            if (!values_from(values_json(*v, out.GetAllocator()))) fail("a site's values");
        }
        if (auto s = schema_from(it->value)) {
            if (!schema_from(schema_json(*s, out.GetAllocator()))) fail("a schema");
        }
    }
    // A frame relayed on is written out whole: that walk must stay shallow.
    Message relay("relay");
    rapidjson::Value copy(*doc, relay.alloc());
    relay.put("frame", std::move(copy));
    return 0;
}
