// Runs the training preprocessing on a few chosen images, off the UI thread, latest request wins.
#pragma once

#include "preprocess/image_preprocessor.h"
#include "preprocess/preprocess_options.h"
#include "jobs/background_job.h"

#include <QHash>
#include <QMetaType>
#include <QObject>
#include <QStringList>

#include <opencv2/core/mat.hpp>

#include <vector>

namespace tandem {

// One chosen image: the original as a person sees it and exactly what training will be given.
struct PreviewItem {
    QString path;
    quint64 seed = 0; // the random seed the crop and flip came from
    cv::Mat original; // RGB, oriented as displayed, longest side at most kOriginalSide
    QString originalError;
    PreprocessResult output; // tandem::preprocessFile(path, options, seed): the training code path
    CropPlan plan;           // where the output comes from, in output.originalSize pixels
};

struct PreviewFrame {
    quint64 request = 0; // increases with every change; the frame shows the latest at its start
    PreprocessOptions options;
    std::vector<PreviewItem> items;
    qint64 renderNs = 0; // wall time of the whole frame
};

// Changes coalesce: while one frame renders, further changes only mark the state dirty, and the
// frame after it uses the newest paths, options and seeds. So the preview follows a dragged
// control as fast as frames render and never queues work behind it. Originals are decoded once
// per path and reused across option changes.
class PreviewRenderer : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PreviewRenderer)
public:
    static constexpr int kOriginalSide = 512;

    explicit PreviewRenderer(QObject *parent = nullptr);

    void setPaths(const QStringList &paths);
    void setOptions(const PreprocessOptions &options);
    // Other random crops and flips: a new seed for every image.
    void reroll();

    [[nodiscard]] QStringList paths() const { return m_paths; }
    [[nodiscard]] const PreprocessOptions &options() const { return m_options; }
    [[nodiscard]] quint64 seedBase() const { return m_seedBase; }
    [[nodiscard]] bool isRendering() const { return m_job.isRunning(); }

    // The seed of the image at position i for a seed base, as the preview uses it.
    [[nodiscard]] static quint64 seedFor(quint64 seedBase, int position);

Q_SIGNALS:
    void rendered(const tandem::PreviewFrame &frame);

private:
    void schedule();
    void onFinished(const PreviewFrame &frame);

    QStringList m_paths;
    PreprocessOptions m_options;
    quint64 m_seedBase = 0;
    quint64 m_request = 0;
    bool m_dirty = false;
    QHash<QString, cv::Mat> m_originals;
    BackgroundJob m_job;
};

} // namespace tandem

Q_DECLARE_METATYPE(tandem::PreviewFrame)
