// Reassembles messages that travelled as Fragment frames, within explicit limits.
#pragma once

#include "messages.h"
#include "wire_codec.h"

#include <QByteArray>
#include <QString>

#include <map>
#include <optional>

namespace tandem::protocol {

class FragmentAssembler {
public:
    explicit FragmentAssembler(Limits limits = {}) : m_limits(limits) {}

    struct Result {
        std::optional<QByteArray> complete; // the whole encoded message, once the last part arrived
        QString error;                      // non-empty: the stream was malformed and dropped
    };

    // Fragments of one stream must arrive in order; streams may interleave.
    [[nodiscard]] Result push(Fragment fragment);
    [[nodiscard]] qint64 bufferedBytes() const;
    void clear() { m_streams.clear(); }

private:
    struct Stream {
        quint32 nextIndex = 0;
        quint32 count = 0;
        quint64 totalBytes = 0;
        QByteArray data;
    };
    Limits m_limits;
    std::map<quint32, Stream> m_streams;
};

} // namespace tandem::protocol
