#include "thumbnail_service.h"

#include "mat_image.h"

namespace tandem {

namespace {
qsizetype costKiB(const QPixmap &pixmap)
{
    return std::max<qsizetype>(1, qsizetype(pixmap.width()) * pixmap.height() * 4 / 1024);
}

QString scaledKey(const QString &path, int side)
{
    return QString::number(side) + QLatin1Char(':') + path;
}
} // namespace

ThumbnailService::ThumbnailService(QObject *parent)
    : QObject(parent), m_loader(kSide), m_pixmaps(kCacheKiB), m_scaled(kCacheKiB / 2)
{
    connect(&m_loader, &ThumbnailLoader::loaded, this, &ThumbnailService::onLoaded);
}

ThumbnailService::~ThumbnailService() = default;

QPixmap ThumbnailService::thumbnail(const QString &path, int side)
{
    if (m_failed.contains(path))
        return {};
    const QPixmap *full = m_pixmaps.object(path);
    if (!full) {
        int id = m_ids.value(path, -1);
        if (id < 0) {
            id = int(m_paths.size());
            m_paths.push_back(path);
            m_ids.insert(path, id);
        }
        m_loader.request(id, path); // painted now: decode it next
        return {};
    }
    if (side >= kSide || (full->width() <= side && full->height() <= side))
        return *full;
    const QString key = scaledKey(path, side);
    if (const QPixmap *scaled = m_scaled.object(key))
        return *scaled;
    auto *scaled = new QPixmap(full->scaled(side, side, Qt::KeepAspectRatio, Qt::SmoothTransformation));
    const QPixmap result = *scaled;
    m_scaled.insert(key, scaled, costKiB(*scaled));
    return result;
}

bool ThumbnailService::isReady(const QString &path) const
{
    return m_pixmaps.contains(path);
}

QString ThumbnailService::failure(const QString &path) const
{
    return m_failed.value(path);
}

void ThumbnailService::onLoaded(int id, const cv::Mat &image, const QString &error)
{
    if (id < 0 || std::size_t(id) >= m_paths.size())
        return;
    const QString &path = m_paths[std::size_t(id)];
    const QImage converted = image.type() == CV_8UC3 ? matToImage(image, ChannelOrder::Rgb) : QImage();
    if (converted.isNull()) {
        m_failed.insert(path, error.isEmpty() ? tr("cannot decode") : error);
    } else {
        auto *pixmap = new QPixmap(QPixmap::fromImage(converted));
        m_pixmaps.insert(path, pixmap, costKiB(*pixmap));
    }
    Q_EMIT loaded(path);
}

} // namespace tandem
