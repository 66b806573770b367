// For the selected images, the original beside exactly what the pipeline will produce.
#pragma once

#include "preview/preview_renderer.h"

#include <QImage>
#include <QList>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
class QPushButton;
class QVBoxLayout;
QT_END_NAMESPACE

namespace tandem {

class PreviewTile;

// Renders through PreviewRenderer, which calls tandem::preprocessFile: the very function the
// training pool runs, not a look-alike. A change shows within one frame's render time (a few
// milliseconds per image) and never blocks the UI.
class PreprocessPreview : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PreprocessPreview)
public:
    explicit PreprocessPreview(QWidget *parent = nullptr);

    void setPaths(const QStringList &paths);
    void setOptions(const PreprocessOptions &options);
    void setBatchSize(int batchSize); // for the bytes per batch
    void reroll();

    [[nodiscard]] int tileCount() const;
    [[nodiscard]] QImage outputImage(int tile) const;
    [[nodiscard]] PreviewRenderer *renderer() const { return m_renderer; }
    [[nodiscard]] QString sizeText() const;

Q_SIGNALS:
    // A frame is on screen: the request it answers (PreviewFrame::request).
    void frameShown(quint64 request);

private:
    void showFrame(const PreviewFrame &frame);
    void updateSizeText();

    PreviewRenderer *m_renderer;
    QLabel *m_size;
    QLabel *m_timing;
    QLabel *m_hint;
    QPushButton *m_reroll;
    QVBoxLayout *m_tiles;
    QList<PreviewTile *> m_tileWidgets;
    int m_batchSize = 64;
};

} // namespace tandem
