// Decodes a batch of cached base images (core/imagecodec: raw, PNG, JPEG) into packed uint8 HWC pixels,
// in parallel, with one clear error per bad payload. Free of libtorch: augment_executor.h wraps the
// pixels as tensors without a copy.
#pragma once

#include "imagecodec/image_codec.h"
#include "sample_cache.h"

#include <QString>
#include <QThreadPool>
#include <QVector>

namespace tandem::agent {

struct DecodeFailure {
    int index = 0; // in the batch
    quint64 contentId = 0;
    ImageCodec::Error error = ImageCodec::Error::None;
    QString message; // "sample 3 (content id 00ab…): jpeg base image: JPEG is 300×200, expected 256×256"
};

struct DecodedBatch {
    QVector<DecodedImage> images;    // index-aligned with the input; a failed one is empty
    QVector<DecodeFailure> failures; // in index order
    [[nodiscard]] bool ok() const { return failures.isEmpty(); }
};

// Its own small QThreadPool (not QThreadPool::globalInstance(), not libtorch's intra-op pool): decoding is
// CPU-bound TurboJPEG/libpng work per image that must overlap the trainer's libtorch ops on the host
// without taking their threads, and a private pool bounds it (default: cores / 2, clamped to 2..4)
// whatever else in the process queues work. The calling thread decodes too. decode() may be called from
// several threads at once; each call waits for its own images only.
class BaseImageDecoder {
public:
    explicit BaseImageDecoder(int threads = 0);

    // contentIds (optional, same length) name the samples in the messages. Never throws; a payload that
    // does not decode to exactly its CachedImage's width × height × channels is a failure.
    [[nodiscard]] DecodedBatch decode(const QVector<CachedImage> &images, const QVector<quint64> &contentIds = {});
    [[nodiscard]] int threads() const { return m_helpers + 1; }

private:
    int m_helpers = 0; // pool threads besides the caller
    QThreadPool m_pool;
};

} // namespace tandem::agent
