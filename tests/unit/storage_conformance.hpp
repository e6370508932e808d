// One conformance suite every storage backend passes. A backend joins by
// instantiating it with a factory; each call of `open` must give a new,
// independent handle onto the SAME backing store (as another process
// would have), so locks and writes are tested across handles.
//
//   INSTANTIATE_TEST_SUITE_P(Redis, StorageConformance,
//       ::testing::Values(ConformanceBackend{"redis", [] { return open_redis(); }}),
//       [](const auto& i) { return i.param.name; });
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "storage/storage.hpp"

namespace latchkey::test {

struct ConformanceBackend {
    std::string name;
    std::function<std::unique_ptr<storage::Storage>()> open;
    // Whether an expired entry disappears by itself (redis TTL) rather than
    // staying until overwritten (file, keyring).
    bool entries_expire = false;
};

class StorageConformance : public ::testing::TestWithParam<ConformanceBackend> {};

}  // namespace latchkey::test
