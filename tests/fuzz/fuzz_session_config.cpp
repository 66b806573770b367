// libFuzzer target: the session-config parser (SessionConfig and SessionInfo from JSON), the one
// peer-supplied text the agent parses field by field.
//
// Properties checked besides "no crash": a refusal names its reason, and what parses writes JSON that
// parses again to the same JSON (toJson ∘ fromJson is stable), so no accepted value is changed by a
// round trip, e.g. a 64-bit seed squeezed through a double.
#include "session_config.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace tandem::protocol;

namespace {

template <typename T> void check(const QByteArray &json, const char *what)
{
    QString error;
    const std::optional<T> first = T::fromJson(json, &error);
    if (!first) {
        if (error.isEmpty()) {
            std::fprintf(stderr, "%s refused without a reason\n", what);
            std::abort();
        }
        return;
    }
    const QByteArray once = first->toJson();
    QString again;
    const std::optional<T> second = T::fromJson(once, &again);
    if (!second) {
        std::fprintf(stderr, "%s written by toJson does not parse: %s\n%s\n", what, qPrintable(again),
                     once.constData());
        std::abort();
    }
    if (second->toJson() != once) {
        std::fprintf(stderr, "%s changes in a round trip:\n%s\n%s\n", what, once.constData(),
                     second->toJson().constData());
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray json(reinterpret_cast<const char *>(data), qsizetype(size));
    check<SessionConfig>(json, "SessionConfig");
    check<SessionInfo>(json, "SessionInfo");
    return 0;
}
