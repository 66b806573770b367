// Decodes small RGB previews of dataset images on worker threads, the most recent request first.
#pragma once

#include <QObject>
#include <QSet>
#include <QString>
#include <QThreadPool>

#include <opencv2/core/mat.hpp>

#include <memory>

namespace tandem {

// The browser asks for the thumbnails it is about to paint; when a person scrolls quickly through
// 100,000 images the oldest requests are dropped (a later paint asks again) so that the images on
// screen are decoded first. Results arrive on the loader's thread through loaded(); the caller
// caches them in whatever form it draws.
class ThumbnailLoader : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ThumbnailLoader)
public:
    static constexpr int kMaxPending = 256;

    explicit ThumbnailLoader(int maxSide = 128, QObject *parent = nullptr);
    ~ThumbnailLoader() override; // drops what is queued and waits for the decodes under way

    // Queues the image unless it is already queued or being decoded; a repeated request moves it to
    // the front. id is the caller's key, echoed by loaded().
    void request(int id, const QString &path);
    // Forgets every request (a new dataset): results of earlier requests are not delivered.
    void reset();

    [[nodiscard]] int maxSide() const { return m_maxSide; }
    // Requests not yet delivered: queued, decoding, or decoded and on their way.
    [[nodiscard]] int pendingCount() const;
    // Requests waiting for a decoder; never more than kMaxPending.
    [[nodiscard]] int queuedCount() const;

    // RGB, CV_8UC3, oriented as displayed, longest side at most maxSide (never enlarged). JPEGs are
    // decoded at reduced resolution when that loses nothing at this size. Empty on failure, with
    // the reason in *error.
    [[nodiscard]] static cv::Mat decode(const QString &path, int maxSide, QString *error = nullptr);

Q_SIGNALS:
    // image is empty when the file could not be decoded; error says why.
    void loaded(int id, const cv::Mat &image, const QString &error);

private:
    struct Queue;
    void startWorker();
    void deliver(quint64 generation, int id, const cv::Mat &image, const QString &error);

    int m_maxSide;
    std::shared_ptr<Queue> m_queue;
    QThreadPool m_pool;
    QSet<int> m_inProgress; // queued or decoding, in this generation (this thread only)
};

} // namespace tandem
