#include "thumbnail_loader.h"

#include "preprocess/image_preprocessor.h"
#include "preprocess/image_probe.h"
#include "preprocess/preprocess_options.h"

#include <QFile>
#include <QLoggingCategory>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <atomic>
#include <deque>
#include <mutex>

Q_LOGGING_CATEGORY(lcThumbnails, "tandem.preview.thumbnails")

namespace tandem {

// Shared with the workers: the LIFO of paths to decode. Only this file touches it.
struct ThumbnailLoader::Queue {
    struct Job {
        quint64 generation = 0;
        int id = 0;
        QString path;
    };
    std::mutex mutex;
    std::deque<Job> jobs; // front: most recent
    std::atomic<quint64> generation{1};
    std::atomic<bool> stopping{false};
};

ThumbnailLoader::ThumbnailLoader(int maxSide, QObject *parent)
    : QObject(parent), m_maxSide(std::max(8, maxSide)), m_queue(std::make_shared<Queue>())
{
    // Leave a core to the UI thread; one decoder is plenty for the screenful a person looks at.
    m_pool.setMaxThreadCount(std::max(1, QThread::idealThreadCount() - 1));
}

ThumbnailLoader::~ThumbnailLoader()
{
    m_queue->stopping = true;
    {
        std::lock_guard lock(m_queue->mutex);
        m_queue->jobs.clear();
    }
    m_pool.waitForDone();
}

int ThumbnailLoader::pendingCount() const
{
    return int(m_inProgress.size());
}

int ThumbnailLoader::queuedCount() const
{
    std::lock_guard lock(m_queue->mutex);
    return int(m_queue->jobs.size());
}

void ThumbnailLoader::request(int id, const QString &path)
{
    const quint64 generation = m_queue->generation;
    std::vector<int> dropped;
    bool queued = false;
    {
        std::lock_guard lock(m_queue->mutex);
        auto &jobs = m_queue->jobs;
        if (m_inProgress.contains(id)) {
            // Still queued? Then it is wanted again now: move it to the front.
            auto it = std::find_if(jobs.begin(), jobs.end(), [id](const Queue::Job &job) { return job.id == id; });
            if (it != jobs.end() && it != jobs.begin()) {
                Queue::Job job = std::move(*it);
                jobs.erase(it);
                jobs.push_front(std::move(job));
            }
            return;
        }
        jobs.push_front({generation, id, path});
        queued = true;
        while (jobs.size() > std::size_t(kMaxPending)) {
            dropped.push_back(jobs.back().id);
            jobs.pop_back();
        }
    }
    m_inProgress.insert(id);
    for (int droppedId : dropped)
        m_inProgress.remove(droppedId);
    if (queued && dropped.empty())
        startWorker(); // a dropped job's worker takes this one instead
}

void ThumbnailLoader::reset()
{
    ++m_queue->generation;
    std::lock_guard lock(m_queue->mutex);
    m_queue->jobs.clear();
    m_inProgress.clear();
}

void ThumbnailLoader::startWorker()
{
    // Each worker run takes the most recent job, whichever that is by then.
    std::shared_ptr<Queue> queue = m_queue;
    const int maxSide = m_maxSide;
    m_pool.start([this, queue, maxSide] {
        Queue::Job job;
        {
            std::lock_guard lock(queue->mutex);
            if (queue->jobs.empty() || queue->stopping)
                return;
            job = std::move(queue->jobs.front());
            queue->jobs.pop_front();
        }
        if (job.generation != queue->generation)
            return;
        QString error;
        cv::Mat image = decode(job.path, maxSide, &error);
        if (queue->stopping)
            return;
        // The destructor waits for this runnable, so `this` outlives the call; an event still
        // queued when the loader is deleted is discarded with it.
        QMetaObject::invokeMethod(
            this,
            [this, generation = job.generation, id = job.id, image, error] { deliver(generation, id, image, error); },
            Qt::QueuedConnection);
    });
}

void ThumbnailLoader::deliver(quint64 generation, int id, const cv::Mat &image, const QString &error)
{
    if (generation != m_queue->generation)
        return;
    m_inProgress.remove(id);
    if (!error.isEmpty())
        qCDebug(lcThumbnails).noquote() << "thumbnail" << id << "failed:" << error;
    Q_EMIT loaded(id, image, error);
}

cv::Mat ThumbnailLoader::decode(const QString &path, int maxSide, QString *error)
{
    auto failWith = [error](const QString &message) {
        if (error)
            *error = message;
        return cv::Mat();
    };
    const PreprocessOptions limits; // the same guards as training
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return failWith(QStringLiteral("cannot open: %1").arg(file.errorString()));
    if (file.size() > limits.maxFileBytes)
        return failWith(QStringLiteral("file larger than %1 MiB").arg(limits.maxFileBytes >> 20));
    const QByteArray bytes = file.readAll();
    if (bytes.isEmpty())
        return failWith(QStringLiteral("empty file"));
    const ImageHeader header = ImageProbe::probe(bytes);
    if (!header.ok())
        return failWith(header.error.isEmpty() ? QStringLiteral("not a supported image") : header.error);
    if (header.pixels() > limits.maxPixels)
        return failWith(QStringLiteral("%1×%2 is over the pixel limit").arg(header.width).arg(header.height));
    // libjpeg fills a cut-off JPEG with grey and only warns: without this the grid showed a smeared
    // thumbnail and no badge, and the file failed only once training reached it. Same test, same words.
    if (header.format == ImageFormat::Jpeg && !ImageProbe::jpegIsComplete(bytes))
        return failWith(QStringLiteral("corrupt or truncated JPEG"));

    int flags = cv::IMREAD_COLOR;
    if (header.format == ImageFormat::Jpeg) {
        // DCT-domain reduction, only as far as keeps the longest side at or above maxSide.
        const int longestStored = std::max(header.width, header.height);
        flags = longestStored / 8 >= maxSide   ? cv::IMREAD_REDUCED_COLOR_8
                : longestStored / 4 >= maxSide ? cv::IMREAD_REDUCED_COLOR_4
                : longestStored / 2 >= maxSide ? cv::IMREAD_REDUCED_COLOR_2
                                               : cv::IMREAD_COLOR;
    }
    flags |= cv::IMREAD_IGNORE_ORIENTATION; // applied below from our own header parse
    cv::Mat decoded;
    try {
        const cv::Mat buffer(1, int(bytes.size()), CV_8UC1, const_cast<char *>(bytes.constData()));
        decoded = cv::imdecode(buffer, flags);
    } catch (const cv::Exception &e) {
        return failWith(QStringLiteral("decoder error: %1").arg(QString::fromStdString(e.msg)));
    }
    if (decoded.empty())
        return failWith(
            QStringLiteral("corrupt or unsupported %1").arg(QLatin1String(ImageProbe::formatName(header.format))));
    decoded = ImagePreprocessor::applyOrientation(decoded, header.orientation);

    const int longest = std::max(decoded.cols, decoded.rows);
    cv::Mat sized = decoded;
    if (longest > maxSide) {
        const double scale = double(maxSide) / longest;
        cv::resize(decoded, sized,
                   cv::Size(std::max(1, int(decoded.cols * scale + 0.5)), std::max(1, int(decoded.rows * scale + 0.5))),
                   0, 0, cv::INTER_AREA);
    }
    cv::Mat rgb;
    cv::cvtColor(sized, rgb, cv::COLOR_BGR2RGB);
    return rgb;
}

} // namespace tandem
