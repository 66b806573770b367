// libFuzzer target: the wire decoder (wire_codec.h) on arbitrary bytes, as a peer could send them.
//
// Besides "no crash, no sanitizer report", it checks one property that a decoder bug would break:
// a message that decodes re-encodes to bytes that decode again to the same encoding (the codec is
// idempotent after one round; the first round may normalise, e.g. invalid UTF-8 in a string).
// Each input is decoded twice: with the default limits, and with small ones so that the Oversized
// paths are reached with small inputs.
#include "wire_codec.h"

#include <cstdint>
#include <cstdlib>
#include <cstdio>

using namespace tandem::protocol;

namespace {

Limits smallLimits()
{
    Limits limits;
    limits.maxMessageBytes = 4096;
    limits.maxFrameBytes = 1024;
    limits.maxBatchSamples = 4;
    limits.maxImageSide = 8;
    limits.maxChannels = 3;
    limits.maxClasses = 8;
    limits.maxStringBytes = 64;
    limits.maxSpans = 4;
    return limits;
}

void check(QByteArrayView input, const Limits &limits)
{
    const DecodeResult first = decode(input, limits);
    if (!first.ok()) {
        // A refusal must say why: the error and a human-readable detail.
        if (first.error == DecodeError::None || first.detail.isEmpty()) {
            std::fprintf(stderr, "decode failed without an error or a detail\n");
            std::abort();
        }
        return;
    }
    const QByteArray once = encode(*first.message);
    const DecodeResult second = decode(once, limits);
    if (!second.ok()) {
        std::fprintf(stderr, "re-encoded message does not decode: %s\n", qPrintable(second.detail));
        std::abort();
    }
    if (typeOf(*second.message) != typeOf(*first.message) || encode(*second.message) != once) {
        std::fprintf(stderr, "encode(decode(x)) is not stable for a %s\n", typeName(typeOf(*first.message)));
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    check(input, Limits{});
    static const Limits small = smallLimits();
    check(input, small);
    return 0;
}
