#include "preview_renderer.h"

#include "common/seeded_random.h"
#include "preview/thumbnail_loader.h"
#include "common/stage.h"

namespace tandem {

namespace {
constexpr int kMaxCachedOriginals = 64;
}

// The job's destructor waits for a frame under way (a few images: milliseconds).
PreviewRenderer::PreviewRenderer(QObject *parent) : QObject(parent) {}

quint64 PreviewRenderer::seedFor(quint64 seedBase, int position)
{
    return SeededRandom::mix(seedBase, quint64(position));
}

void PreviewRenderer::setPaths(const QStringList &paths)
{
    if (paths == m_paths)
        return;
    m_paths = paths;
    schedule();
}

void PreviewRenderer::setOptions(const PreprocessOptions &options)
{
    if (options == m_options)
        return;
    m_options = options;
    schedule();
}

void PreviewRenderer::reroll()
{
    ++m_seedBase;
    schedule();
}

void PreviewRenderer::schedule()
{
    ++m_request;
    if (m_job.isRunning()) {
        m_dirty = true;
        return;
    }
    m_dirty = false;

    // An immutable snapshot for the worker: values and shared, read-only cv::Mats.
    struct Input {
        QString path;
        quint64 seed;
        cv::Mat original;
    };
    std::vector<Input> inputs;
    inputs.reserve(std::size_t(m_paths.size()));
    for (int i = 0; i < m_paths.size(); ++i)
        inputs.push_back({m_paths[i], seedFor(m_seedBase, i), m_originals.value(m_paths[i])});
    const PreprocessOptions options = m_options;
    const quint64 request = m_request;

    m_job.start([this, inputs = std::move(inputs), options,
                 request](const std::atomic<bool> &, const BackgroundJob::Progress &) -> BackgroundJob::Finish {
        const qint64 start = protocol::monotonicNs();
        PreviewFrame frame;
        frame.request = request;
        frame.options = options;
        frame.items.reserve(inputs.size());
        for (const Input &input : inputs) {
            PreviewItem item;
            item.path = input.path;
            item.seed = input.seed;
            item.original = input.original;
            if (item.original.empty())
                item.original = ThumbnailLoader::decode(input.path, kOriginalSide, &item.originalError);
            item.output = preprocessFile(input.path, options, input.seed);
            if (item.output.originalSize.isValid())
                item.plan = ImagePreprocessor::planCrop(item.output.originalSize, options, input.seed);
            frame.items.push_back(std::move(item));
        }
        frame.renderNs = protocol::monotonicNs() - start;
        return [this, frame = std::move(frame)] { onFinished(frame); };
    });
}

void PreviewRenderer::onFinished(const PreviewFrame &frame)
{
    if (m_originals.size() > kMaxCachedOriginals)
        m_originals.clear();
    for (const PreviewItem &item : frame.items)
        if (!item.original.empty())
            m_originals.insert(item.path, item.original);
    Q_EMIT rendered(frame);
    if (m_dirty)
        schedule();
}

} // namespace tandem
