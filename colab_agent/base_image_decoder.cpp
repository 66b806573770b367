#include "base_image_decoder.h"

#include <QSemaphore>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <memory>

namespace tandem::agent {

BaseImageDecoder::BaseImageDecoder(int threads)
{
    m_helpers = threads > 0 ? threads - 1 : std::clamp(QThread::idealThreadCount() / 2, 2, 4) - 1;
    m_pool.setMaxThreadCount(std::max(1, m_helpers));
    m_pool.setObjectName(QStringLiteral("base-image-decoder"));
}

DecodedBatch BaseImageDecoder::decode(const QVector<CachedImage> &images, const QVector<quint64> &contentIds)
{
    DecodedBatch batch;
    const int count = int(images.size());
    batch.images.resize(count);
    QVector<DecodeFailure> failures(count);
    auto next = std::make_shared<std::atomic<int>>(0);
    const auto work = [&, next] {
        for (int i = next->fetch_add(1); i < count; i = next->fetch_add(1)) {
            const CachedImage &image = images[i];
            ImageCodec::DecodeResult result = ImageCodec::decode(image.bytes, image.codec, image.expected());
            if (result.ok()) {
                batch.images[i] = std::move(result.image);
                continue;
            }
            const quint64 id = i < contentIds.size() ? contentIds[i] : 0;
            failures[i] = {i, id, result.error,
                           QStringLiteral("sample %1 (content id %2): %3 base image: %4")
                               .arg(i)
                               .arg(id, 16, 16, QLatin1Char('0'))
                               .arg(QLatin1String(ImageCodec::codecName(image.codec)), result.message)};
        }
    };
    // Helpers beyond the images are pointless; each releases once, whether it found work or not.
    const int helpers = std::min(m_helpers, std::max(0, count - 1));
    QSemaphore done;
    for (int h = 0; h < helpers; ++h)
        m_pool.start([&work, &done] {
            work();
            done.release();
        });
    work();
    done.acquire(helpers);
    for (const DecodeFailure &failure : std::as_const(failures))
        if (failure.error != ImageCodec::Error::None)
            batch.failures.push_back(failure);
    return batch;
}

} // namespace tandem::agent
