// The pipe between latchkey and a provider helper process carries frames:
// a 4-byte big-endian length, then that many bytes of one JSON object
// (parsed by parse_bounded_json: iteratively, at most 64 levels deep). A frame larger than kMaxFrame, a short
// read, or text that is not a JSON object ends the conversation: whoever
// reads it treats the other side as broken.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace latchkey::isolation {

// Big enough for a whoami document or a cache entry (the HTTP body cap is
// 1 MiB), small enough that a helper cannot make the host allocate much.
inline constexpr uint32_t kMaxFrame = 4u << 20;

// Why reading a frame failed.
enum class ReadFailure { none, closed, timed_out, too_large, malformed, io };

// A monotonic clock in milliseconds, for deadlines.
int64_t steady_ms();

// Writes one frame. False when the other side is gone.
bool write_frame(int fd, const rapidjson::Value& message);

// Reads one frame, waiting until `deadline_ms` (steady_ms(); 0 = no limit). On failure returns
// nullopt and says why in `why`.
std::optional<rapidjson::Document> read_frame(int fd, int64_t deadline_ms, ReadFailure& why);

// The JSON object a frame's body holds; nullopt (why = malformed) for
// anything else, including nesting past 64 levels.
std::optional<rapidjson::Document> parse_frame(std::string_view body, ReadFailure& why);

}  // namespace latchkey::isolation
