#include "fragment_assembler.h"

#include <algorithm>

namespace tandem::protocol {

FragmentAssembler::Result FragmentAssembler::push(Fragment fragment)
{
    Result result;
    auto it = m_streams.find(fragment.streamId);
    if (it == m_streams.end()) {
        if (fragment.index != 0) {
            result.error = QStringLiteral("fragment %1 of stream %2 arrived without its first part")
                               .arg(fragment.index)
                               .arg(fragment.streamId);
            return result;
        }
        if (int(m_streams.size()) >= m_limits.maxOpenStreams) {
            result.error = QStringLiteral("more than %1 fragmented messages open at once").arg(m_limits.maxOpenStreams);
            return result;
        }
        if (fragment.totalBytes > quint64(m_limits.maxReassemblyBytes)) {
            result.error = QStringLiteral("fragmented message of %1 bytes exceeds the limit of %2")
                               .arg(fragment.totalBytes)
                               .arg(m_limits.maxReassemblyBytes);
            return result;
        }
        Stream stream;
        stream.count = fragment.count;
        stream.totalBytes = fragment.totalBytes;
        // Grow with the data rather than trusting the announced size up front.
        stream.data.reserve(qsizetype(std::min<quint64>(fragment.totalBytes, quint64(m_limits.maxFrameBytes) * 4)));
        it = m_streams.emplace(fragment.streamId, std::move(stream)).first;
    }
    Stream &stream = it->second;
    const auto drop = [&](QString why) {
        m_streams.erase(it);
        result.error = std::move(why);
        return result;
    };
    if (fragment.totalBytes != stream.totalBytes)
        return drop(QStringLiteral("fragment %1/%2 of stream %3 announces %4 bytes, its first part announced %5")
                        .arg(fragment.index)
                        .arg(fragment.count)
                        .arg(fragment.streamId)
                        .arg(fragment.totalBytes)
                        .arg(stream.totalBytes));
    if (fragment.index != stream.nextIndex || fragment.count != stream.count)
        return drop(QStringLiteral("fragment %1/%2 of stream %3 does not follow part %4/%5")
                        .arg(fragment.index)
                        .arg(fragment.count)
                        .arg(fragment.streamId)
                        .arg(stream.nextIndex)
                        .arg(stream.count));
    if (quint64(stream.data.size()) + quint64(fragment.chunk.size()) > stream.totalBytes)
        return drop(QStringLiteral("stream %1 carries more than its announced %2 bytes")
                        .arg(fragment.streamId)
                        .arg(stream.totalBytes));
    stream.data.append(fragment.chunk);
    ++stream.nextIndex;
    if (stream.nextIndex < stream.count)
        return result;
    if (quint64(stream.data.size()) != stream.totalBytes)
        return drop(QStringLiteral("stream %1 ended with %2 of its %3 bytes")
                        .arg(fragment.streamId)
                        .arg(stream.data.size())
                        .arg(stream.totalBytes));
    result.complete = std::move(stream.data);
    m_streams.erase(it);
    return result;
}

qint64 FragmentAssembler::bufferedBytes() const
{
    qint64 total = 0;
    for (const auto &[id, stream] : m_streams)
        total += stream.data.size();
    return total;
}

} // namespace tandem::protocol
