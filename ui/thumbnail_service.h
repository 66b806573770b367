// The app's one thumbnail decoder pool and pixmap cache, shared by every view that shows images.
#pragma once

#include "preview/thumbnail_loader.h"

#include <QCache>
#include <QHash>
#include <QObject>
#include <QPixmap>
#include <QString>

#include <opencv2/core/mat.hpp>

#include <vector>

namespace tandem {

// Views ask for a path's thumbnail when they paint it: a cached one comes back at once, otherwise
// the path is queued for the decoders (newest first, ThumbnailLoader) and loaded(path) says when
// to ask again. Pixmaps are kept once per path at kSide and scaled copies per side asked for, so
// the Dataset and Curate tabs showing the same images decode them once.
class ThumbnailService : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ThumbnailService)
public:
    static constexpr int kSide = 160; // decoded size: the largest any view shows
    static constexpr int kCacheKiB = 128 * 1024;

    explicit ThumbnailService(QObject *parent = nullptr);
    ~ThumbnailService() override;

    // The thumbnail with its longest side at most `side`, or a null pixmap while it is decoded
    // (or when it failed: see failure()).
    [[nodiscard]] QPixmap thumbnail(const QString &path, int side = kSide);
    [[nodiscard]] bool isReady(const QString &path) const;
    // Why the image cannot be shown; empty when it can be or has not been tried.
    [[nodiscard]] QString failure(const QString &path) const;
    [[nodiscard]] const ThumbnailLoader &loader() const { return m_loader; }
    [[nodiscard]] int cachedCount() const { return m_pixmaps.count(); }

Q_SIGNALS:
    // The path's thumbnail was decoded, or failed: ask again.
    void loaded(const QString &path);

private:
    void onLoaded(int id, const cv::Mat &image, const QString &error);

    ThumbnailLoader m_loader;
    QHash<QString, int> m_ids;          // path → the loader's id
    std::vector<QString> m_paths;       // id → path
    QCache<QString, QPixmap> m_pixmaps; // at kSide; cost in KiB
    QCache<QString, QPixmap> m_scaled;  // key: side and path
    QHash<QString, QString> m_failed;
};

} // namespace tandem
