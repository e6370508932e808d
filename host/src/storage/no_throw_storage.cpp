#include "storage/no_throw_storage.hpp"

namespace latchkey::storage {

namespace {

using module::contain;
using module::Fault;

class PortOfStorage final : public NoThrowStorage {
 public:
    explicit PortOfStorage(std::unique_ptr<Storage> inner) : inner_(std::move(inner)) {}

    std::string name(Fault& f) noexcept override {
        return contain(f, [&] { return inner_->name(); });
    }
    std::string location(Fault& f) noexcept override {
        return contain(f, [&] { return inner_->location(); });
    }
    std::optional<detail::CredentialData> load(const std::string& key, Fault& f) noexcept override {
        return contain(f, [&] { return inner_->load(key); });
    }
    void save(const std::string& key, const detail::CredentialData& c, Fault& f) noexcept override {
        contain(f, [&] { inner_->save(key, c); });
    }
    void erase(const std::string& key, Fault& f) noexcept override {
        contain(f, [&] { inner_->erase(key); });
    }
    std::unique_ptr<Lock> lock(const std::string& key, Fault& f) noexcept override {
        return contain(f, [&] { return inner_->lock(key); });
    }
    std::vector<std::string> keys(Fault& f) noexcept override {
        return contain(f, [&] { return inner_->keys(); });
    }
    std::string check(Fault& f) noexcept override {
        return contain(f, [&] { return inner_->check(); });
    }

 private:
    std::unique_ptr<Storage> inner_;
};

class StorageOfPort final : public Storage {
    std::unique_ptr<NoThrowStorage> port_;

    // Calls the port and raises what it reports.
    template <class Method, class... Args>
    auto call(Method method, const Args&... args) const {
        Fault fault;
        if constexpr (std::is_void_v<decltype((port_.get()->*method)(args..., fault))>) {
            (port_.get()->*method)(args..., fault);
            module::raise_if_set(fault);
        } else {
            auto result = (port_.get()->*method)(args..., fault);
            module::raise_if_set(fault);
            return result;
        }
    }

 public:
    explicit StorageOfPort(std::unique_ptr<NoThrowStorage> port) : port_(std::move(port)) {}

    std::string name() const override { return call(&NoThrowStorage::name); }
    std::string location() const override { return call(&NoThrowStorage::location); }
    std::optional<detail::CredentialData> load(const std::string& key) override {
        return call(&NoThrowStorage::load, key);
    }
    void save(const std::string& key, const detail::CredentialData& c) override {
        call(&NoThrowStorage::save, key, c);
    }
    void erase(const std::string& key) override { call(&NoThrowStorage::erase, key); }
    std::unique_ptr<Lock> lock(const std::string& key) override {
        return call(&NoThrowStorage::lock, key);
    }
    std::vector<std::string> keys() override { return call(&NoThrowStorage::keys); }
    std::string check() override { return call(&NoThrowStorage::check); }
};

}  // namespace

std::unique_ptr<NoThrowStorage> to_port(std::unique_ptr<Storage> storage) {
    if (!storage) return nullptr;
    return std::make_unique<PortOfStorage>(std::move(storage));
}

std::unique_ptr<Storage> from_port(std::unique_ptr<NoThrowStorage> port) {
    if (!port) return nullptr;
    return std::make_unique<StorageOfPort>(std::move(port));
}

}  // namespace latchkey::storage
