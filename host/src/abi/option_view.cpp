#include "abi/option_view.hpp"

#include "util/strings.hpp"

namespace latchkey::abi {

OptionView::OptionView(const Values& values) : values_(values) {
    for (auto& [key, value] : values_)
        if (value.is_list) joined_[key] = util::join(value.list, " ");
}

const policy::ResolvedValue* OptionView::find(const char* key) const {
    if (!key) return nullptr;
    auto it = values_.find(key);
    return it == values_.end() || !it->second.set ? nullptr : &it->second;
}

const char* OptionView::text(const char* key) const {
    const auto* v = find(key);
    if (!v) return nullptr;
    return v->is_list ? joined_.at(key).c_str() : v->text.c_str();
}

size_t OptionView::list_size(const char* key) const {
    const auto* v = find(key);
    return v ? (v->is_list ? v->list.size() : 1) : 0;
}

const char* OptionView::list_item(const char* key, size_t i) const {
    const auto* v = find(key);
    if (!v) return nullptr;
    if (!v->is_list) return i == 0 ? v->text.c_str() : nullptr;
    return i < v->list.size() ? v->list[i].c_str() : nullptr;
}

}  // namespace latchkey::abi
