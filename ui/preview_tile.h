// One chosen image: the original with the crop drawn on it, beside what the pipeline produces.
#pragma once

#include "preview/preview_renderer.h"

#include <QImage>
#include <QWidget>

namespace tandem {

class PreviewTile : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PreviewTile)
public:
    explicit PreviewTile(QWidget *parent = nullptr);

    void setItem(const PreviewItem &item);
    // The pipeline's output as drawn (RGB888 or Grayscale8, exactly the output size).
    [[nodiscard]] QImage outputImage() const { return m_output; }
    [[nodiscard]] QImage originalImage() const { return m_original; }
    [[nodiscard]] QString error() const { return m_error; }

    [[nodiscard]] QSize sizeHint() const override;
    [[nodiscard]] QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QImage m_original;
    QImage m_output;
    QSize m_originalSize; // full resolution, as displayed
    QRectF m_region;      // the crop, in m_originalSize pixels
    bool m_flip = false;
    QString m_name;
    QString m_error;
    double m_ms = 0.0;
};

} // namespace tandem
